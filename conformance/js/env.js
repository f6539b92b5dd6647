// Loads Grafana's published front-end packages under Node: a jsdom browser, no-op loaders for
// stylesheets and images, and Grafana's boot data. Must be required before any @grafana package.
'use strict';

process.env.NODE_ENV = 'production'; // @grafana/ui attaches a debugger otherwise

const Module = require('module');
for (const ext of ['.css', '.scss', '.svg', '.png']) {
  Module._extensions[ext] = (module) => {
    module.exports = '';
  };
}

const { JSDOM } = require('jsdom');
const dom = new JSDOM('<!doctype html><html><body></body></html>', { url: 'http://localhost:3000/d/cqlscope' });
const { window } = dom;

window.grafanaBootData = {
  settings: { buildInfo: { version: '13.2.3' }, featureToggles: {}, datasources: {}, panels: {}, theme2: {} },
  user: { id: 1, login: 'admin', email: 'admin@localhost', orgId: 1, orgName: 'Main Org.', timezone: 'browser' },
  navTree: [],
};
window.matchMedia = () => ({
  matches: false, media: '', onchange: null,
  addListener() {}, removeListener() {}, addEventListener() {}, removeEventListener() {}, dispatchEvent() { return false; },
});
class NoopObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
  takeRecords() { return []; }
}
window.IntersectionObserver = NoopObserver;
window.ResizeObserver = NoopObserver;

const globals = {
  window, document: window.document, navigator: window.navigator, location: window.location,
  history: window.history, HTMLElement: window.HTMLElement, Element: window.Element, Node: window.Node,
  Event: window.Event, CustomEvent: window.CustomEvent, KeyboardEvent: window.KeyboardEvent,
  MouseEvent: window.MouseEvent, EventTarget: window.EventTarget, getComputedStyle: window.getComputedStyle,
  matchMedia: window.matchMedia, IntersectionObserver: NoopObserver, ResizeObserver: NoopObserver,
  requestAnimationFrame: (callback) => setTimeout(callback, 0), cancelAnimationFrame: (id) => clearTimeout(id),
  devicePixelRatio: 1, localStorage: window.localStorage, sessionStorage: window.sessionStorage, DOMParser: window.DOMParser,
};
for (const [name, value] of Object.entries(globals)) {
  Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
}

module.exports = { window };
