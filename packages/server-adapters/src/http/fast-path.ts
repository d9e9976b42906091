// The Node bridge's fast path, shared by key (Symbol.for: the handler and an adapter may come from
// different bundles): a request built by the bridge reads its body straight from the socket, and a
// plain JSON answer is written straight to it, without web Request/Response objects in between.
// Both objects behave as a Request/Response for anyone else (the host's callbacks, a wrapping
// handler): every other member materialises the real object on first use.

/** On a bridge request: reads at most `limit` body bytes; null when the body is larger. */
export const READ_NODE_BODY: unique symbol = Symbol.for('auterity.server-adapters.readNodeBody') as never;
/** On a JSON response not yet materialised: what to write. */
export const JSON_REPLY: unique symbol = Symbol.for('auterity.server-adapters.jsonReply') as never;

export type NodeBodyReader = (limit: number) => Promise<Uint8Array | null>;

export interface JsonReply {
  status: number;
  headers: Record<string, string>;
  bytes: Uint8Array;
}

/** The bridge's pending JSON reply, when `response` is a JSON response nobody has touched. */
export function jsonReplyOf(response: Response): JsonReply | undefined {
  return (response as unknown as { [JSON_REPLY]?: JsonReply })[JSON_REPLY];
}

/** True for a request built by the Node bridge, which can take a JSON reply directly. */
export function isBridgeRequest(request: Request): boolean {
  return READ_NODE_BODY in request;
}

/** A JSON Response whose real Response is only built when someone other than the bridge looks at it. */
class LazyJsonResponse {
  [JSON_REPLY]: JsonReply | undefined;
  #real: Response | undefined;
  constructor(reply: JsonReply) {
    this[JSON_REPLY] = reply;
  }
  #response(): Response {
    if (this.#real === undefined) {
      const reply = this[JSON_REPLY]!;
      this.#real = new Response(reply.bytes, { status: reply.status, headers: reply.headers });
      this[JSON_REPLY] = undefined;
    }
    return this.#real;
  }
  get status() {
    return this.#real?.status ?? this[JSON_REPLY]!.status;
  }
  get ok() {
    return this.status >= 200 && this.status < 300;
  }
  get statusText() {
    return this.#response().statusText;
  }
  get headers() {
    return this.#response().headers;
  }
  get body() {
    return this.#response().body;
  }
  get bodyUsed() {
    return this.#response().bodyUsed;
  }
  get type() {
    return this.#response().type;
  }
  get url() {
    return this.#response().url;
  }
  get redirected() {
    return this.#response().redirected;
  }
  arrayBuffer() {
    return this.#response().arrayBuffer();
  }
  blob() {
    return this.#response().blob();
  }
  formData() {
    return this.#response().formData();
  }
  json() {
    return this.#response().json();
  }
  text() {
    return this.#response().text();
  }
  bytes() {
    return (this.#response() as Response & { bytes(): Promise<Uint8Array> }).bytes();
  }
  clone() {
    return this.#response().clone();
  }
  /** The real Response (for callers that need one, e.g. other frameworks). */
  materialize(): Response {
    return this.#response();
  }
}
// `instanceof Response` holds; every Response member is overridden above, so none of Response's own
// accessors ever runs on this object.
Object.setPrototypeOf(LazyJsonResponse.prototype, Response.prototype);

export function lazyJsonResponse(reply: JsonReply): Response {
  return new LazyJsonResponse(reply) as unknown as Response;
}

/** A real Response for `response` (itself unless it is a lazy JSON one). */
export function realResponse(response: Response): Response {
  return response instanceof LazyJsonResponse ? response.materialize() : response;
}
