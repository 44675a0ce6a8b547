// The ddb-emulator web console: plain JavaScript, no build step, no
// external assets. It talks to the DynamoDB API of the same origin
// (POST / with X-Amz-Target) and to the /_emulator/ routes.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { table: null, desc: null, lastKey: null, items: [], editing: null, logNext: 0, view: "plain",
  scope: { region: "us-east-1", access_key_id: null }, defaultRegion: "us-east-1" };

// ---- Talking to the emulator ----------------------------------------------------

// A DynamoDB API call. The emulator accepts any well-formed SigV4 header
// (it does not verify signatures unless told to), and serves the database
// its credential scope names: the selected scope's region, and its access
// key (an empty one reaches the region's tables that no key owns).
async function ddb(op, body) {
  const credential = (state.scope.access_key_id || "") + "/20000101/" + state.scope.region + "/dynamodb/aws4_request";
  const r = await fetch("/", {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.0",
      "X-Amz-Target": "DynamoDB_20120810." + op,
      "Authorization": "AWS4-HMAC-SHA256 Credential=" + credential + ", SignedHeaders=host, Signature=0",
    },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  const json = text ? JSON.parse(text) : {};
  if (!r.ok) {
    const type = (json.__type || "Error").split("#").pop();
    throw new Error(type + ": " + (json.message || json.Message || ""));
  }
  return json;
}

// A /_emulator/ route.
async function admin(method, path, body) {
  const r = await fetch("/_emulator/" + path, {
    method,
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error((json.error || r.status) + ": " + (json.message || ""));
  return json;
}

function status(text, isError) {
  const s = $("status");
  s.textContent = text;
  s.className = isError ? "error" : "";
}

async function guarded(f) {
  try {
    await f();
  } catch (e) {
    status(e.message, true);
  }
}

// ---- Values: DynamoDB JSON <-> plain JSON ------------------------------------------

// Plain JSON text of an attribute value. Numbers keep their exact digits;
// sets become lists and binaries their base64 text (the plain view is lossy
// for those; edit in DynamoDB JSON to keep them).
function plainText(av, indent, depth) {
  const sep = indent ? ", " : ",";
  if ("S" in av) return JSON.stringify(av.S);
  if ("N" in av) return av.N;
  if ("BOOL" in av) return String(av.BOOL);
  if ("NULL" in av) return "null";
  if ("B" in av) return JSON.stringify(av.B);
  if ("SS" in av) return "[" + av.SS.map((s) => JSON.stringify(s)).join(sep) + "]";
  if ("NS" in av) return "[" + av.NS.join(sep) + "]";
  if ("BS" in av) return "[" + av.BS.map((s) => JSON.stringify(s)).join(sep) + "]";
  if ("L" in av) return av.L.length ? "[" + av.L.map((v) => plainText(v, false, 0)).join(sep) + "]" : "[]";
  if ("M" in av) return mapText(av.M, indent, depth);
  return JSON.stringify(av);
}

function mapText(map, indent, depth) {
  const names = Object.keys(map);
  if (!names.length) return "{}";
  const pad = indent ? "\n" + "  ".repeat(depth + 1) : "";
  const end = indent ? "\n" + "  ".repeat(depth) : "";
  const parts = names.map((k) => pad + JSON.stringify(k) + ": " + plainText(map[k], indent, depth + 1));
  return "{" + parts.join(",") + end + "}";
}

// Parses plain JSON into DynamoDB attribute values without going through
// JavaScript numbers (which would round 38-digit decimals).
function parsePlain(text) {
  let i = 0;
  const ws = () => { while (/\s/.test(text[i] || "")) i++; };
  const fail = (what) => { throw new Error("Plain JSON: " + what + " at character " + i); };
  const value = () => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++; ws();
      const m = {};
      if (text[i] === "}") { i++; return { M: m }; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail("expected a name");
        const k = str();
        ws();
        if (text[i++] !== ":") fail("expected ':'");
        m[k] = value();
        ws();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === "}") { i++; return { M: m }; }
        fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      i++; ws();
      const l = [];
      if (text[i] === "]") { i++; return { L: l }; }
      for (;;) {
        l.push(value());
        ws();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === "]") { i++; return { L: l }; }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return { S: str() };
    for (const [word, av] of [["true", { BOOL: true }], ["false", { BOOL: false }], ["null", { NULL: true }]]) {
      if (text.startsWith(word, i)) { i += word.length; return av; }
    }
    const num = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!num) fail("unexpected input");
    i += num[0].length;
    return { N: num[0] };
  };
  const str = () => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i));
  };
  const v = value();
  ws();
  if (i < text.length) fail("trailing input");
  return v;
}

function itemText(item) {
  return state.view === "plain" ? mapText(item, true, 0) : JSON.stringify(item, null, 2);
}

function parseItem(text) {
  if (state.view === "plain") {
    const v = parsePlain(text);
    if (!v.M) throw new Error("An item is a JSON object");
    return v.M;
  }
  return JSON.parse(text);
}

function cell(av) {
  return av === undefined ? "" : plainText(av, false, 0);
}

// ---- Scopes -------------------------------------------------------------------------

function scopeName(s) {
  return s.region + (s.access_key_id ? " / " + s.access_key_id : "");
}

// The scope list (GET /_emulator/scopes), keeping the selection; the
// default scope (the default region, no key) is selected first.
async function loadScopes() {
  const { scopes } = await admin("GET", "scopes");
  const select = $("scope");
  // #scope=REGION or #scope=REGION/KEY picks one on the first load (links, and the browser test).
  const asked = !state.scopesLoaded && (location.hash.match(/scope=([^&]+)/) || [])[1];
  state.scopesLoaded = true;
  if (asked) {
    const [region, ...key] = decodeURIComponent(asked).split("/");
    state.scope = { region, access_key_id: key.length ? key.join("/") : null };
  }
  const selected = scopeName(state.scope);
  select.replaceChildren();
  for (const s of scopes) {
    if (s.default) state.defaultRegion = s.region;
    const option = document.createElement("option");
    option.value = JSON.stringify({ region: s.region, access_key_id: s.access_key_id });
    option.textContent = scopeName(s) + " (" + s.tables + " table" + (s.tables === 1 ? "" : "s") + ")";
    option.selected = scopeName(s) === selected;
    select.appendChild(option);
  }
  if (!scopes.some((s) => scopeName(s) === selected)) {
    const first = scopes.find((s) => s.default) || scopes[0];
    state.scope = { region: first.region, access_key_id: first.access_key_id };
  }
}

async function chooseScope() {
  state.scope = JSON.parse($("scope").value);
  state.table = null;
  showTable(null);
  await loadTables();
}

// ---- Tables ---------------------------------------------------------------------------

async function loadTables() {
  const names = [];
  let start;
  do {
    const page = await ddb("ListTables", start ? { ExclusiveStartTableName: start } : {});
    names.push(...(page.TableNames || []));
    start = page.LastEvaluatedTableName;
  } while (start);
  const descs = await Promise.all(names.map((n) => ddb("DescribeTable", { TableName: n }).then((d) => d.Table)));
  const list = $("tables");
  list.replaceChildren();
  for (const d of descs) {
    const li = document.createElement("li");
    li.className = "table-row" + (d.TableName === state.table ? " selected" : "");
    li.dataset.name = d.TableName;
    const keys = d.KeySchema.map((k) => k.AttributeName + (k.KeyType === "HASH" ? " (hash)" : " (range)")).join(", ");
    const indexes = (d.GlobalSecondaryIndexes || []).length + (d.LocalSecondaryIndexes || []).length;
    li.innerHTML = '<span class="name"></span><span class="meta"></span>';
    li.querySelector(".name").textContent = d.TableName;
    li.querySelector(".meta").textContent =
      keys + " · " + indexes + " index" + (indexes === 1 ? "" : "es") + " · " + d.ItemCount + " item" + (d.ItemCount === 1 ? "" : "s");
    li.addEventListener("click", () => guarded(() => selectTable(d.TableName)));
    list.appendChild(li);
  }
  if (!names.length) list.innerHTML = '<li class="hint">No tables yet.</li>';
  const wanted = decodeURIComponent((location.hash.match(/table=([^&]+)/) || [])[1] || "");
  if (!state.table && names.length) {
    await selectTable(names.includes(wanted) ? wanted : names[0]);
    // #table=NAME&edit=N opens the N-th item shown (links, and the browser test).
    const open = Number((location.hash.match(/edit=(\d+)/) || [])[1]);
    if (Number.isInteger(open) && open < state.items.length) edit(open);
  }
  else if (state.table && !names.includes(state.table)) showTable(null);
}

function showTable(desc) {
  state.desc = desc;
  state.table = desc ? desc.TableName : null;
  $("table-panel").hidden = !desc;
  $("empty-panel").hidden = !!desc;
  for (const li of document.querySelectorAll("#tables li")) li.classList.toggle("selected", li.dataset.name === state.table);
}

async function selectTable(name) {
  const desc = (await ddb("DescribeTable", { TableName: name })).Table;
  showTable(desc);
  if (!location.hash.includes("table=" + encodeURIComponent(name))) history.replaceState(null, "", "#table=" + encodeURIComponent(name));
  $("table-title").textContent = name;
  const key = (schema) => schema.map((k) => k.AttributeName + " " + k.KeyType.toLowerCase()).join(", ");
  const info = $("table-info");
  info.innerHTML = "";
  const line = (label, text) => {
    const div = document.createElement("div");
    div.textContent = label + ": ";
    const code = document.createElement("code");
    code.textContent = text;
    div.appendChild(code);
    info.appendChild(div);
  };
  line("key", key(desc.KeySchema));
  for (const gsi of desc.GlobalSecondaryIndexes || []) line("GSI " + gsi.IndexName, key(gsi.KeySchema) + " · " + gsi.Projection.ProjectionType);
  for (const lsi of desc.LocalSecondaryIndexes || []) line("LSI " + lsi.IndexName, key(lsi.KeySchema) + " · " + lsi.Projection.ProjectionType);
  line("items", desc.ItemCount + " (" + desc.TableSizeBytes + " bytes) · " + desc.TableStatus + " · " + (desc.BillingModeSummary ? desc.BillingModeSummary.BillingMode : "PROVISIONED"));
  const index = $("read-index");
  index.replaceChildren(new Option("(table)", ""));
  for (const i of [...(desc.GlobalSecondaryIndexes || []), ...(desc.LocalSecondaryIndexes || [])]) index.add(new Option(i.IndexName, i.IndexName));
  $("editor").hidden = true;
  await runRead(false);
}

// ---- Query / Scan -----------------------------------------------------------------------

function readRequest() {
  const op = $("read-op").value;
  const req = { TableName: state.table, Limit: Number($("read-limit").value) || 50 };
  if ($("read-index").value) req.IndexName = $("read-index").value;
  const keyCondition = $("key-condition").value.trim();
  if (op === "Query") req.KeyConditionExpression = keyCondition;
  const filter = $("filter").value.trim();
  if (filter) req.FilterExpression = filter;
  const names = $("names").value.trim();
  if (names) req.ExpressionAttributeNames = JSON.parse(names);
  const values = $("values").value.trim();
  if (values) req.ExpressionAttributeValues = JSON.parse(values);
  return [op, req];
}

async function runRead(more) {
  const [op, req] = readRequest();
  if (more && state.lastKey) req.ExclusiveStartKey = state.lastKey;
  const out = await ddb(op, req);
  state.items = more ? state.items.concat(out.Items || []) : out.Items || [];
  state.lastKey = out.LastEvaluatedKey || null;
  $("next-page").disabled = !state.lastKey;
  $("read-summary").textContent = op + ": " + state.items.length + " item" + (state.items.length === 1 ? "" : "s") +
    " shown, " + out.ScannedCount + " read in the last page" + (state.lastKey ? " · more pages" : "");
  renderItems();
  status(op + " done");
}

function keyNames() {
  return state.desc.KeySchema.map((k) => k.AttributeName);
}

function renderItems() {
  const keys = keyNames();
  const names = [...keys];
  for (const it of state.items) for (const n of Object.keys(it)) if (!names.includes(n)) names.push(n);
  const head = document.createElement("tr");
  for (const n of names) {
    const th = document.createElement("th");
    th.textContent = n;
    if (keys.includes(n)) th.className = "key";
    head.appendChild(th);
  }
  $("items").tHead.replaceChildren(head);
  const body = $("items").tBodies[0];
  body.replaceChildren();
  state.items.forEach((it, i) => {
    const tr = document.createElement("tr");
    tr.className = "item-row";
    for (const n of names) {
      const td = document.createElement("td");
      td.textContent = cell(it[n]);
      tr.appendChild(td);
    }
    tr.addEventListener("click", () => edit(i));
    body.appendChild(tr);
  });
}

// ---- Item editor ----------------------------------------------------------------------------

function edit(i) {
  state.editing = i;
  const item = i === null ? Object.fromEntries(keyNames().map((k) => [k, { S: "" }])) : state.items[i];
  $("editor").hidden = false;
  $("editor-title").textContent = i === null ? "New item" : "Item";
  setEditorText(itemText(item));
  $("delete-item").disabled = i === null;
  $("editor-hint").textContent = state.view === "plain"
    ? "Plain JSON: sets show as lists and binaries as base64 text; switch the view to DynamoDB JSON to keep their types."
    : "DynamoDB JSON: every value is {\"S\": ...}, {\"N\": \"...\"}, {\"M\": {...}}, ...";
}

// Both the live value and the element's text (what a DOM dump shows).
function setEditorText(text) {
  $("item-text").textContent = text;
  $("item-text").value = text;
}

async function saveItem() {
  const item = parseItem($("item-text").value);
  await ddb("PutItem", { TableName: state.table, Item: item });
  status("Saved");
  await runRead(false);
  await loadTables();
  $("editor").hidden = true;
}

async function deleteItem() {
  const item = state.items[state.editing];
  const key = Object.fromEntries(keyNames().map((k) => [k, item[k]]));
  await ddb("DeleteItem", { TableName: state.table, Key: key });
  status("Deleted");
  $("editor").hidden = true;
  await runRead(false);
  await loadTables();
}

// ---- Snapshots -------------------------------------------------------------------------------

async function loadSnapshots() {
  const { snapshots } = await admin("GET", "snapshots");
  const list = $("snapshots");
  list.replaceChildren();
  for (const s of snapshots) {
    const li = document.createElement("li");
    li.className = "snapshot-row";
    li.innerHTML = '<span class="name"></span><button data-act="restore">Restore</button><button data-act="drop" class="danger">Drop</button><span class="meta"></span>';
    li.querySelector(".name").textContent = s.name;
    li.querySelector(".meta").textContent = s.tables + " tables · " + s.items + " items · " + new Date(s.taken_ms).toISOString();
    li.querySelector('[data-act="restore"]').addEventListener("click", () => guarded(async () => {
      await admin("POST", "snapshots/" + encodeURIComponent(s.name) + "/restore");
      status("Restored " + s.name);
      await refreshAll();
    }));
    li.querySelector('[data-act="drop"]').addEventListener("click", () => guarded(async () => {
      await admin("DELETE", "snapshots/" + encodeURIComponent(s.name));
      status("Dropped " + s.name);
      await loadSnapshots();
    }));
    list.appendChild(li);
  }
  if (!snapshots.length) list.innerHTML = '<li class="hint">None yet.</li>';
}

// ---- Operation log and clock ----------------------------------------------------------------------

async function pollLog() {
  const log = await admin("GET", "operations?after=" + state.logNext);
  $("log-off").hidden = log.recording;
  if (log.total < state.logNext) {
    // The record was cleared elsewhere: start again.
    state.logNext = 0;
    $("log").tBodies[0].replaceChildren();
    return;
  }
  const body = $("log").tBodies[0];
  for (const op of log.operations) {
    const tr = document.createElement("tr");
    const scope = op.region === state.defaultRegion && !op.access_key_id ? "" : scopeName(op);
    for (const text of [op.seq, op.operation, op.tables.join(", "), scope, op.outcome]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.appendChild(td);
    }
    tr.lastChild.className = op.outcome === "ok" ? "ok" : "err";
    body.prepend(tr);
  }
  while (body.rows.length > 500) body.deleteRow(-1);
  state.logNext = log.next;
}

async function pollClock() {
  const c = await admin("GET", "clock");
  $("clock").textContent = "clock: " + new Date(c.now_ms).toISOString() + " (" + c.mode + ")";
}

async function refreshAll() {
  await loadScopes();
  await loadTables();
  if (state.table) await runRead(false);
  await loadSnapshots();
}

// ---- Wiring ------------------------------------------------------------------------------------

function wire() {
  $("refresh-tables").addEventListener("click", () => guarded(async () => { await loadScopes(); await loadTables(); }));
  $("scope").addEventListener("change", () => guarded(chooseScope));
  $("read-op").addEventListener("change", () => { $("key-condition-label").hidden = $("read-op").value !== "Query"; });
  $("read-form").addEventListener("submit", (e) => { e.preventDefault(); guarded(() => runRead(false)); });
  $("next-page").addEventListener("click", () => guarded(() => runRead(true)));
  $("new-item").addEventListener("click", () => edit(null));
  $("save-item").addEventListener("click", () => guarded(saveItem));
  $("delete-item").addEventListener("click", () => guarded(deleteItem));
  $("close-editor").addEventListener("click", () => { $("editor").hidden = true; });
  $("view-mode").addEventListener("change", () => {
    // Re-render the open item in the other notation (through its parsed value).
    const open = !$("editor").hidden;
    let item = null;
    if (open) {
      try { item = parseItem($("item-text").value); } catch (e) { status(e.message, true); }
    }
    state.view = $("view-mode").value;
    if (open && item) setEditorText(itemText(item));
  });
  $("snapshot-form").addEventListener("submit", (e) => {
    e.preventDefault();
    guarded(async () => {
      const name = $("snapshot-name").value.trim();
      const s = await admin("POST", "snapshots", name ? { name } : {});
      status("Took snapshot " + s.name);
      $("snapshot-name").value = "";
      await loadSnapshots();
    });
  });
  $("clear-log").addEventListener("click", () => guarded(async () => {
    await admin("DELETE", "operations");
    state.logNext = 0;
    $("log").tBodies[0].replaceChildren();
  }));
}

wire();
guarded(async () => {
  await loadScopes();
  await Promise.all([loadTables(), loadSnapshots(), pollClock(), pollLog()]);
  status("Ready");
  document.body.dataset.ready = "true";
});
setInterval(() => guarded(pollLog), 1000);
setInterval(() => guarded(pollClock), 1000);
