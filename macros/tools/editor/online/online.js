/* The online editor (python -m macros editor-site): Decap CMS with config.yml beside this page,
   logging in at the project's git host. Only what the forms need of the local editor is here: a
   figure is typed as text, so that "12%" reaches the project's checks (CI's, on the pull request)
   and is told in their words. The preview is the built site CI attaches to the pull request. */
"use strict";
window.CMS_MANUAL_INIT = true;
document.addEventListener("DOMContentLoaded", function () {
  const CMS = window.CMS, h = window.h, createClass = window.createClass;
  CMS.registerWidget("figure", createClass({
    render: function () {
      const p = this.props;
      return h("input", {
        type: "text", inputMode: "decimal", id: p.forID, className: p.classNameWrapper,
        value: p.value === null || p.value === undefined ? "" : String(p.value),
        onChange: e => p.onChange(e.target.value),
        onFocus: p.setActiveStyle, onBlur: p.setInactiveStyle,
      });
    },
  }), createClass({ render: function () { return h("span", {}, String(this.props.value ?? "")); } }));
  CMS.init();
});
