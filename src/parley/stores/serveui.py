"""The query UI of `parley serve`: Oxigraph's YASGUI with one named tab per saved query.

The page and its script are Parley's; YASGUI itself (`yasgui.min.js`, `yasgui.min.css`,
`logo.svg`) comes from the Oxigraph server binary, relayed by the guard. Nothing is loaded from
another site: the page's Content-Security-Policy allows its own origin only, and YASGUI's
autocompleters that would fetch prefix.cc and LOV are switched off.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

ASSETS = ("/yasgui.min.js", "/yasgui.min.css", "/logo.svg")  # from the Oxigraph server
SCRIPT = "/parley-ui.js"
POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "font-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Parley: SPARQL query</title>
<link href="/yasgui.min.css" rel="stylesheet" type="text/css">
<link rel="icon" type="image/svg+xml" href="/logo.svg">
<script src="/yasgui.min.js"></script>
<style>
body { font-family: sans-serif; margin: 0 1em; }
header p { margin: .4em 0; }
nav ul { display: flex; flex-wrap: wrap; gap: .3em .9em; list-style: none; padding: 0; }
nav button { font: inherit; background: none; border: none; padding: 0; color: #1a0dab;
  text-decoration: underline; cursor: pointer; }
</style>
</head>
<body>
<header>
<h1>Parley</h1>
<p>A read-only SPARQL endpoint over the graph at <code>/query</code>. The default graph is the
union of all graphs; <code>GRAPH ?g { … }</code> names them. Each saved query of
<code>parley queries</code> has its own tab; its parameters are unbound here.</p>
<nav aria-label="Saved queries"><ul id="saved"></ul></nav>
</header>
<div id="yasgui"></div>
<script src="/parley-ui.js"></script>
</body>
</html>
"""

SCRIPT_BODY = """
(function () {
  "use strict";
  var endpoint = window.location.origin + "/query";
  var request = { endpoint: endpoint, method: "POST" };
  // prefix.cc and LOV lookups would leave this server (and the page's policy blocks them)
  Yasgui.defaults.yasqe.autocompleters = ["variables"];
  Yasgui.Yasqe.defaults.autocompleters = ["variables"];
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: request,
    copyEndpointOnNewTab: true,
    persistenceId: null,
    autoAddOnInit: SAVED.length === 0,
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: endpoint }]; },
      keys: []
    }
  });
  var list = document.getElementById("saved");
  SAVED.forEach(function (query, index) {
    var tab = yasgui.addTab(index === 0, {
      name: query.name,
      yasqe: { value: query.text },
      requestConfig: request
    });
    var item = document.createElement("li");
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = query.name;
    button.title = query.summary;
    button.addEventListener("click", function () { yasgui.selectTabId(tab.getId()); });
    item.appendChild(button);
    list.appendChild(item);
  });
  window.parleyYasgui = yasgui;
})();
"""


@dataclass(frozen=True)
class SavedEntry:
    """A saved query as the UI offers it."""

    name: str
    summary: str
    text: str


def page() -> bytes:
    return PAGE.encode("utf-8")


def script(saved: Iterable[SavedEntry]) -> bytes:
    """The page's script, with the saved queries in it as JSON (`<` escaped: inert in HTML)."""
    data = [{"name": q.name, "summary": q.summary, "text": q.text} for q in saved]
    literal = json.dumps(data, ensure_ascii=True).replace("<", "\\u003c")
    return f"var SAVED = {literal};\n{SCRIPT_BODY}".encode()
