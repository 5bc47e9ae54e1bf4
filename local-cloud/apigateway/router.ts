/**
 * REST API routing as API Gateway does it: the request goes to the most specific resource that has a method for its
 * verb (the verb itself, else `ANY`), trying at each level a literal part, then a `{variable}`, then a greedy
 * `{name+}`. A more specific resource without that verb does not stop the search: the request falls through to a
 * less specific one (measured on AWS: `POST /users/me` reaches `/users/{id}` when `/users/me` only has GET).
 */
import type { CompiledMethod, CompiledResource } from './compile.js';

interface RouteNode {
  resource?: CompiledResource;
  literals: Map<string, RouteNode>;
  variable?: { name: string; node: RouteNode };
  greedy?: { name: string; resource: CompiledResource };
}

export interface RouteMatch {
  resource: CompiledResource;
  method: CompiledMethod;
  /** Decoded path parameters, or `null` when the resource has none (as in the proxy event). */
  pathParameters: Record<string, string> | null;
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function methodFor(resource: CompiledResource | undefined, httpMethod: string): CompiledMethod | undefined {
  return resource?.methods.get(httpMethod) ?? resource?.methods.get('ANY');
}

export class Router {
  private readonly root: RouteNode = { literals: new Map() };

  constructor(resources: readonly CompiledResource[]) {
    for (const resource of resources) this.add(resource);
  }

  private add(resource: CompiledResource): void {
    let node = this.root;
    for (const [index, part] of resource.pathParts.entries()) {
      const variable = /^\{(.+?)(\+)?\}$/.exec(part);
      if (variable?.[2]) {
        // The compiler guarantees a greedy part is the last one.
        node.greedy = { name: variable[1] as string, resource };
        return;
      }
      if (variable) {
        node.variable ??= { name: variable[1] as string, node: { literals: new Map() } };
        node = node.variable.node;
      } else {
        let child = node.literals.get(part);
        if (!child) {
          child = { literals: new Map() };
          node.literals.set(part, child);
        }
        node = child;
      }
      if (index === resource.pathParts.length - 1) node.resource = resource;
    }
    if (resource.pathParts.length === 0) this.root.resource = resource;
  }

  /** Finds the method serving `httpMethod` on `path` (the part after the stage, still percent-encoded). */
  match(httpMethod: string, path: string): RouteMatch | undefined {
    const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
    const segments = trimmed === '/' || trimmed === '' ? [] : trimmed.replace(/^\//, '').split('/');
    return this.search(this.root, segments, 0, {}, httpMethod);
  }

  private search(
    node: RouteNode,
    segments: string[],
    index: number,
    parameters: Record<string, string>,
    httpMethod: string,
  ): RouteMatch | undefined {
    if (index === segments.length) {
      const method = methodFor(node.resource, httpMethod);
      if (!method || !node.resource) return undefined;
      return { resource: node.resource, method, pathParameters: nullIfEmpty(parameters) };
    }
    const segment = segments[index] as string;
    const decoded = decodePathSegment(segment);
    const literal = node.literals.get(decoded);
    const viaLiteral = literal && this.search(literal, segments, index + 1, parameters, httpMethod);
    if (viaLiteral) return viaLiteral;
    if (node.variable && segment !== '') {
      const withVariable = { ...parameters, [node.variable.name]: decoded };
      const viaVariable = this.search(node.variable.node, segments, index + 1, withVariable, httpMethod);
      if (viaVariable) return viaVariable;
    }
    if (node.greedy) {
      const rest = segments.slice(index).join('/');
      const method = methodFor(node.greedy.resource, httpMethod);
      if (rest !== '' && method) {
        const pathParameters = { ...parameters, [node.greedy.name]: decodePathSegment(rest) };
        return { resource: node.greedy.resource, method, pathParameters };
      }
    }
    return undefined;
  }
}

function nullIfEmpty(parameters: Record<string, string>): Record<string, string> | null {
  return Object.keys(parameters).length > 0 ? parameters : null;
}
