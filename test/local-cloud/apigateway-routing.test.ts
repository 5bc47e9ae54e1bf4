import { afterEach, describe, expect, it } from 'vitest';
import { closeServedApis, FakeFunctions, type RouteSpec, restApiDefinition, serveApi } from './apigateway-fixtures.js';

/** Every function answers with the resource that served it and the path parameters it got. */
function echoFunctions(names: string[]): FakeFunctions {
  const functions = new FakeFunctions();
  for (const name of names) {
    functions.on(name, (event) => ({
      payload: {
        statusCode: 200,
        body: JSON.stringify({ servedBy: name, resource: event.resource, pathParameters: event.pathParameters }),
      },
    }));
  }
  return functions;
}

async function serveRoutes(routes: RouteSpec[]) {
  const functions = echoFunctions([...new Set(routes.map((route) => route.function ?? 'handler'))]);
  return { api: await serveApi(restApiDefinition({ routes }), functions), functions };
}

describe('API Gateway routing', () => {
  afterEach(closeServedApis);

  it('prefers a literal path part over a {variable} and a {variable} over a greedy {proxy+}', async () => {
    // Prepare
    const { api } = await serveRoutes([
      { path: '/orders/summary', method: 'GET', function: 'summary' },
      { path: '/orders/{orderId}', method: 'GET', function: 'getOrder' },
      { path: '/{proxy+}', method: 'ANY', function: 'catchAll' },
    ]);

    // Act
    const literal = await (await fetch(`${api.url}/orders/summary`)).json();
    const variable = await (await fetch(`${api.url}/orders/o-42`)).json();
    const greedy = await (await fetch(`${api.url}/orders/o-42/lines/3`)).json();

    // Assess
    expect(literal).toEqual({ servedBy: 'summary', resource: '/orders/summary', pathParameters: null });
    expect(variable).toEqual({
      servedBy: 'getOrder',
      resource: '/orders/{orderId}',
      pathParameters: { orderId: 'o-42' },
    });
    expect(greedy).toEqual({
      servedBy: 'catchAll',
      resource: '/{proxy+}',
      pathParameters: { proxy: 'orders/o-42/lines/3' },
    });
  });

  it('falls through to a less specific resource when the more specific one lacks the verb', async () => {
    // Prepare
    const { api } = await serveRoutes([
      { path: '/users/me', method: 'PATCH', function: 'patchMe' },
      { path: '/users/{userId}', method: 'GET', function: 'getUser' },
      { path: '/things/real', method: 'GET', function: 'getThing' },
      { path: '/things/{proxy+}', method: 'ANY', function: 'things' },
    ]);

    // Act
    const getMe = await (await fetch(`${api.url}/users/me`)).json();
    const patchMe = await (await fetch(`${api.url}/users/me`, { method: 'PATCH' })).json();
    const postThing = await (await fetch(`${api.url}/things/real`, { method: 'POST' })).json();
    const postMe = await fetch(`${api.url}/users/me`, { method: 'POST' });

    // Assess
    expect(getMe).toMatchObject({ servedBy: 'getUser', pathParameters: { userId: 'me' } });
    expect(patchMe).toMatchObject({ servedBy: 'patchMe' });
    expect(postThing).toMatchObject({ servedBy: 'things', pathParameters: { proxy: 'real' } });
    expect(postMe.status).toBe(403);
  });

  it('serves an explicit verb before ANY on the same resource, and the root resource', async () => {
    // Prepare
    const { api } = await serveRoutes([
      { path: '/items', method: 'ANY', function: 'anyItems' },
      { path: '/items', method: 'DELETE', function: 'deleteItems' },
      { path: '/', method: 'GET', function: 'home' },
    ]);

    // Act
    const deleted = await (await fetch(`${api.url}/items`, { method: 'DELETE' })).json();
    const put = await (await fetch(`${api.url}/items`, { method: 'PUT' })).json();
    const home = await (await fetch(`${api.url}/`)).json();
    const homeWithoutSlash = await (await fetch(api.url)).json();

    // Assess
    expect(deleted).toMatchObject({ servedBy: 'deleteItems' });
    expect(put).toMatchObject({ servedBy: 'anyItems' });
    expect(home).toMatchObject({ servedBy: 'home', resource: '/' });
    expect(homeWithoutSlash).toMatchObject({ servedBy: 'home' });
  });

  it('decodes path parameters and keeps the event path as sent', async () => {
    // Prepare
    const functions = new FakeFunctions().on('getFile', (event) => ({
      payload: { statusCode: 200, body: JSON.stringify({ path: event.path, pathParameters: event.pathParameters }) },
    }));
    const definition = restApiDefinition({
      routes: [{ path: '/files/{fileId}/versions/{version}', method: 'GET', function: 'getFile' }],
    });
    const api = await serveApi(definition, functions);

    // Act
    const body = await (await fetch(`${api.url}/files/a%20b%2Bc/versions/2/`)).json();

    // Assess
    expect(body).toEqual({
      path: '/files/a%20b%2Bc/versions/2/',
      pathParameters: { fileId: 'a b+c', version: '2' },
    });
  });

  it('answers an unknown path or verb with 403 Missing Authentication Token, without invoking anything', async () => {
    // Prepare
    const { api, functions } = await serveRoutes([{ path: '/orders', method: 'GET', function: 'listOrders' }]);

    // Act
    const unknownPath = await fetch(`${api.url}/nope`);
    const unknownVerb = await fetch(`${api.url}/orders`, { method: 'DELETE' });

    // Assess
    expect(unknownPath.status).toBe(403);
    expect(await unknownPath.json()).toEqual({ message: 'Missing Authentication Token' });
    expect(unknownPath.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(unknownPath.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(unknownVerb.status).toBe(403);
    expect(await unknownVerb.json()).toEqual({ message: 'Missing Authentication Token' });
    expect(functions.calls).toHaveLength(0);
  });

  it('refuses a path outside the stage with 403 Forbidden', async () => {
    // Prepare
    const { api } = await serveRoutes([{ path: '/orders', method: 'GET' }]);

    // Act
    const response = await fetch(`${api.origin}/staging/orders`);

    // Assess
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ message: 'Forbidden' });
  });
});
