/** The receiver's endpoint, over HTTP(S). */

export interface OutboundRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The call is abandoned after this, answered or not. */
  readonly timeoutMs: number;
}

/** What came back: a status code, or why none did. */
export interface EndpointAnswer {
  readonly statusCode?: number;
  readonly error?: string;
  readonly latencyMs: number;
}

export interface Endpoint {
  post(request: OutboundRequest): Promise<EndpointAnswer>;
}
