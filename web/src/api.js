// MedSight REST client: bearer-token session kept in sessionStorage (gone when the tab closes).
const TOKEN_KEY = 'medsight.session';

/** An error answered by the server, with the error-table code and HTTP status. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Calls the MedSight API; `onUnauthorized` runs when the session has expired. */
export class ApiClient {
  constructor() {
    this.session = null;
    this.onUnauthorized = () => {};
    try {
      this.session = JSON.parse(sessionStorage.getItem(TOKEN_KEY) || 'null');
    } catch {
      this.session = null;
    }
    if (this.session && this.session.expires_at && this.session.expires_at < Date.now()) {
      this.session = null;
    }
  }

  get user() { return this.session ? this.session.user : null; }
  get token() { return this.session ? this.session.token : null; }
  get permissions() { return this.session ? this.session.permissions || [] : []; }
  can(permission) { return this.permissions.includes(permission); }

  authHeaders() { return this.token ? {Authorization: 'Bearer ' + this.token} : {}; }

  async login(username, password) {
    const session = await this.request('POST', '/api/auth/login', {username, password},
                                       {anonymous: true});
    this.session = session;
    const me = await this.request('GET', '/api/me');
    this.session.permissions = me.permissions;
    this.session.user.display_name = me.display_name || session.user.display_name;
    sessionStorage.setItem(TOKEN_KEY, JSON.stringify(this.session));
    return this.session;
  }

  async logout() {
    try {
      if (this.token) await this.request('POST', '/api/auth/logout');
    } finally {
      this.session = null;
      sessionStorage.removeItem(TOKEN_KEY);
    }
  }

  /** JSON request; `options.as` = 'text' | 'arrayBuffer' for other bodies. */
  async request(method, path, body, options = {}) {
    const headers = options.anonymous ? {} : this.authHeaders();
    let payload;
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, {method, headers, body: payload, cache: 'no-store'});
    } catch (e) {
      throw new ApiError(0, 'NetworkError', `${method} ${path}: server unreachable (${e.message})`);
    }
    if (!response.ok) {
      let code = 'HTTP' + response.status;
      let message = `${method} ${path}: HTTP ${response.status}`;
      try {
        const j = await response.json();
        if (j && j.error) {
          code = j.error.code;
          message = j.error.message;
        }
      } catch {
        // Not JSON: keep the status line.
      }
      if (response.status === 401 && !options.anonymous) {
        this.session = null;
        sessionStorage.removeItem(TOKEN_KEY);
        this.onUnauthorized(message);
      }
      throw new ApiError(response.status, code, message);
    }
    if (options.as === 'text') return response.text();
    if (options.as === 'arrayBuffer') return response.arrayBuffer();
    return response.json();
  }

  get(path, options) { return this.request('GET', path, undefined, options); }
  post(path, body) { return this.request('POST', path, body); }
  put(path, body) { return this.request('PUT', path, body); }
}

/** URL of one stored DICOM instance. */
export function instanceUrl(sopUid) {
  return '/api/instances/' + encodeURIComponent(sopUid);
}
