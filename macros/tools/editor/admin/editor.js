/* The report's editor around Decap CMS (vendored in vendor/): its configuration comes from our
   server (config.json, made from the data model), figures are typed as text so that what staff
   type reaches the project's own checks, and the preview is the real preview (mkdocs serve) of
   the page the form or chapter makes, never Decap's own rendering of the Markdown. */
"use strict";
window.CMS_MANUAL_INIT = true;

(function () {
  // A save's answer: the check's message when the save was refused, kept on screen until fixed.
  const realFetch = window.fetch.bind(window);
  function showProblems(text) {
    const panel = document.getElementById("report-problems");
    panel.querySelector("pre").textContent = text || "";
    panel.hidden = !text;
  }
  window.fetch = async function (input, init) {
    const response = await realFetch(input, init);
    try {
      const body = init && typeof init.body === "string" ? JSON.parse(init.body) : null;
      if (body && body.action === "persistEntry") {
        const answer = await response.clone().json();
        showProblems(response.ok ? "" : answer.error);
      }
    } catch (e) { /* not ours to read */ }
    return response;
  };

  // Decap rejects a refused save with its Redux action, which nothing catches: the refusal is
  // already on screen (the panel above and Decap's own notice), so it is not an error of the page.
  window.addEventListener("unhandledrejection", function (event) {
    if (event.reason && event.reason.type === "ENTRY_PERSIST_FAILURE") event.preventDefault();
  });

  async function post(path, body) {
    const response = await realFetch(path, {method: "POST", headers: {"Content-Type": "application/json"},
                                            body: JSON.stringify(body)});
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.error);
    return answer;
  }
  function status(text) { document.getElementById("report-status").textContent = text; }

  // "Insert a figure": the year's data names, each with the macro that quotes it, put where the
  // caret last was in a chapter (or copied, when no chapter has had the caret).
  let caret = null;
  document.addEventListener("selectionchange", function () {
    const selection = getSelection();
    if (!selection.rangeCount) return;
    const range = selection.getRangeAt(0);
    const node = range.startContainer.nodeType === 1 ? range.startContainer : range.startContainer.parentElement;
    const editor = node && node.closest("[data-slate-editor]");
    if (editor) caret = {editor: editor, range: range.cloneRange()};
  });
  function figures(names) {
    const select = document.getElementById("report-figures");
    const shownYear = () => (/chapters_(\d{4})/.exec(location.hash) || [])[1];
    function fill() {
      select.length = 1;
      for (const year of Object.keys(names).sort().reverse()) {
        if (shownYear() && year !== shownYear()) continue;
        const group = document.createElement("optgroup");
        group.label = year;
        for (const name of names[year]) group.append(new Option(`${name.label} · ${name.name}`, name.macro));
        select.append(group);
      }
    }
    fill();
    window.addEventListener("hashchange", fill);
    select.onchange = function () {
      const macro = select.value;
      select.value = "";
      if (!macro) return;
      if (!caret || !caret.editor.isConnected) {
        navigator.clipboard.writeText(macro).then(() => status(`已复制 / copied: ${macro}`));
        return;
      }
      // as if pasted where the caret was: the editor's own paste puts plain text in as typed
      caret.editor.focus();
      getSelection().removeAllRanges();
      getSelection().addRange(caret.range);
      const pasted = new DataTransfer();
      pasted.setData("text/plain", macro);
      setTimeout(() => caret.editor.dispatchEvent(
        new ClipboardEvent("paste", {clipboardData: pasted, bubbles: true, cancelable: true})), 0);
    };
  }

  document.addEventListener("DOMContentLoaded", async function () {
    document.getElementById("report-problems-close").onclick = () => showProblems("");
    document.getElementById("report-new-year").onclick = async function () {
      const year = window.prompt("新建哪一年的年报？/ Which year to start?", String(new Date().getFullYear()));
      if (!year) return;
      try {
        const answer = await post("/api/new-year", {year: year.trim()});
        status(answer.message);
        window.location.reload();
      } catch (e) { showProblems(e.message); }
    };
    document.getElementById("report-commit").onclick = async function () {
      const message = window.prompt("这次改了什么？/ What did you change?", "");
      if (message === null) return;
      try { status((await post("/api/commit", {message: message})).message); } catch (e) { showProblems(e.message); }
    };

    const CMS = window.CMS, h = window.h, createClass = window.createClass;
    const [config, report] = await Promise.all(
      ["config.json", "report.json"].map(name => realFetch(name).then(r => r.json())));

    figures(report.names);

    // A figure as typed: "12%" or "1,234" reach the check, which says how to type it.
    CMS.registerWidget("figure", createClass({
      render: function () {
        const p = this.props;
        return h("input", {
          type: "text", inputMode: "decimal", id: p.forID, className: p.classNameWrapper + " report-figure",
          value: p.value === null || p.value === undefined ? "" : String(p.value),
          onChange: e => p.onChange(e.target.value),
          onFocus: p.setActiveStyle, onBlur: p.setInactiveStyle,
        });
      },
    }), createClass({ render: function () { return h("span", {}, String(this.props.value ?? "")); } }));

    // The real preview: the page as this project's build makes it, served by mkdocs serve.
    const Preview = createClass({
      render: function () {
        const path = this.props.entry.get("path");
        const locale = this.props.locale || (this.props.entry.get("i18n") ? null : null);
        let page = report.pages[path];
        if (locale && locale !== "zh") page = report.pages[path.replace(/\.zh\.md$/, "." + locale + ".md")] || page;
        if (page === undefined) return h("p", {}, "此项没有预览 / no preview for this entry");
        return h("iframe", {src: report.preview + page, title: "预览 / preview",
                                  style: {width: "100%", height: "calc(100vh - 1rem)", border: 0}});
      },
    });
    for (const collection of config.collections) {
      if (collection.folder) CMS.registerPreviewTemplate(collection.name, Preview);
      for (const file of collection.files || []) CMS.registerPreviewTemplate(file.name, Preview);
    }
    // The local backend needs no login (it listens on 127.0.0.1 only): the user is the one at the machine.
    if (!localStorage.getItem("decap-cms-user")) localStorage.setItem("decap-cms-user", JSON.stringify({backendName: "proxy"}));
    CMS.init({config: Object.assign({load_config_file: false}, config)});
  });
})();
