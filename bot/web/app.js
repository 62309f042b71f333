/* 生育政策智能助手 — mounts rasa-webchat (loaded from /vendor/rasa-webchat.js, a local copy of
 * node_modules/rasa-webchat/lib/index.js) against Rasa's socketio channel.
 *
 * - Persistence: params.storage = "local" keeps the conversation and the session id in
 *   localStorage["chat_session"]; on reload the widget sends session_request with that id and
 *   Rasa (session_persistence: true) confirms it, so the same tracker goes on.
 * - customData: the widget emits user_uttered {message, customData, session_id}, where
 *   customData is the very object passed as the prop. The location is put into that object for
 *   one message only. Rasa's socketio channel reads data[metadata_key] into the message
 *   metadata, so credentials.yml needs `metadata_key: customData` under `socketio:`.
 * - The page around the widget (phone first): a one-line header with the 大字 switch
 *   (localStorage["assistant_text_size"]; text-size.js applies it before the first paint) and
 *   the 说明 toggle; the widget's own markup is completed by a MutationObserver: Chinese names
 *   for its text box and send button, keyboard access to its reply buttons, a "朗读" button
 *   after each bot message (the browser's own speechSynthesis, zh-CN; nothing is sent
 *   anywhere; no button when the browser cannot speak), and the latest question kept in view
 *   when its answer is taller than the screen.
 * - The family plan ("## 我的生育政策清单", actions/family_plan/render.py) is made a card: the
 *   bubble gets the class plan-card, its section headings (**一、假期** …) are marked as
 *   headings, each line's sources "（《…》…）" are put in a span.plan-source (smaller, grey),
 *   and the calendar and print links become a row of button-like links. Only classes,
 *   attributes and wrapping spans are added inside the message: no text is changed.
 * - Old in-app browsers (WeChat): ES5 only, every optional feature detected first.
 */
(function () {
  "use strict";

  var STORAGE_KEY = "chat_session";          // rasa-webchat's localStorage key
  var TEXT_SIZE_KEY = "assistant_text_size"; // "large" | "standard" (text-size.js reads it too)
  var CHILDCARE_NEARBY = "附近的托育机构";
  var config = window.ASSISTANT_CONFIG || {};
  var rasaUrl = config.rasaUrl || (window.location.protocol + "//" + window.location.hostname + ":5005");
  var socketPath = config.socketPath || "/socket.io/";

  var root = document.documentElement;
  var statusLine = document.getElementById("status");
  var locateButton = document.getElementById("locate");
  var resetButton = document.getElementById("reset");
  var textSizeSwitch = document.getElementById("text-size");
  var infoToggle = document.getElementById("info-toggle");
  var infoPanel = document.getElementById("info");
  var chatElement = document.getElementById("webchat");

  // Sent with every message; holds the location only while one message is being sent.
  var customData = {};
  var webchat = null;
  var sessionConfirmed = false;

  function forEach(list, callback) {
    Array.prototype.forEach.call(list || [], callback);
  }

  function hasClass(element, name) {
    return !!(element && element.classList && element.classList.contains(name));
  }

  function setClass(element, name, on) {   // classList.toggle(name, force) is missing in old WebViews
    if (on) {
      element.classList.add(name);
    } else {
      element.classList.remove(name);
    }
  }

  // A status that is only good news ("已连接。") is read out by screen readers but not shown.
  function setStatus(text, quiet) {
    statusLine.textContent = text;
    setClass(statusLine, "visually-hidden", !!quiet);
  }

  function storageGet(key) {
    try {
      return window.localStorage ? window.localStorage.getItem(key) : null;
    } catch (err) {
      return null;
    }
  }

  function storageSet(key, value) {
    try {
      if (window.localStorage) window.localStorage.setItem(key, value);
    } catch (err) { /* storage disabled or full: the setting lasts for this page only */ }
  }

  // ---------------------------------------------------------------- 大字 switch and 说明 toggle

  function applyTextSize(large) {
    setClass(root, "large-text", large);
    textSizeSwitch.setAttribute("aria-checked", large ? "true" : "false");
  }
  applyTextSize(hasClass(root, "large-text") || storageGet(TEXT_SIZE_KEY) === "large");
  textSizeSwitch.addEventListener("click", function () {
    var large = !hasClass(root, "large-text");
    applyTextSize(large);
    storageSet(TEXT_SIZE_KEY, large ? "large" : "standard");
    keepLatestAnswerInView();
  });

  function setInfoOpen(open) {
    infoPanel.hidden = !open;
    infoToggle.setAttribute("aria-expanded", open ? "true" : "false");
  }
  infoToggle.addEventListener("click", function () {
    setInfoOpen(infoPanel.hidden);
  });
  document.addEventListener("keydown", function (event) {
    if ((event.key === "Escape" || event.key === "Esc") && !infoPanel.hidden &&
        (infoPanel.contains(event.target) || event.target === infoToggle)) {
      setInfoOpen(false);
      infoToggle.focus();
    }
  });

  function updateLocateButton() {
    locateButton.disabled = !(sessionConfirmed && webchat && navigator.geolocation && window.isSecureContext);
  }

  // Links in bot messages: only http(s), mailto and tel may be followed. rasa-webchat turns off
  // react-markdown's URI filter (transformLinkUri: null), so a "javascript:" link would otherwise
  // be rendered; the CSP (script-src 'self') blocks it too.
  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest ? event.target.closest("a[href]") : null;
    if (!link) return;
    var protocol;
    try {
      protocol = new URL(link.getAttribute("href"), window.location.href).protocol;
    } catch (err) {
      protocol = "invalid:";
    }
    if (["http:", "https:", "mailto:", "tel:"].indexOf(protocol) === -1) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // rasa-webchat renders buttons as <div class="rw-reply" onClick>: Enter and Space press them.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if ((event.key === "Enter" || event.key === " ") && target && target.matches && target.matches("div.rw-reply")) {
      event.preventDefault();
      target.click();
    }
  });

  // ---------------------------------------------------------------- 朗读 (speech synthesis)

  var speech = null;
  try {
    if (window.speechSynthesis && typeof window.speechSynthesis.speak === "function" &&
        typeof window.SpeechSynthesisUtterance === "function") {
      speech = window.speechSynthesis;
    }
  } catch (err) {
    speech = null;
  }
  var speakingButton = null;
  var SPEAK_LABEL = "朗读这条回答";
  var STOP_LABEL = "停止朗读";

  function chineseVoice() {
    var voices = [];
    try {
      voices = speech.getVoices() || [];
    } catch (err) { /* no voice list: the browser picks one for zh-CN */ }
    var best = null;
    forEach(voices, function (voice) {
      var lang = (voice.lang || "").replace("_", "-").toLowerCase();
      if (!best && lang === "zh-cn") best = voice;
    });
    forEach(voices, function (voice) {
      if (!best && (voice.lang || "").toLowerCase().indexOf("zh") === 0) best = voice;
    });
    return best;
  }

  // 朗读 of the plan card: its lines without their sources and links; the sources are counted.
  function planSpeechText(card) {
    var copy = card.cloneNode(true);
    var sources = copy.querySelectorAll(".plan-source").length;
    forEach(copy.querySelectorAll(".plan-source, .plan-links"), function (element) {
      element.parentNode.removeChild(element);
    });
    forEach(copy.querySelectorAll("h2, p, li, .plan-section, .plan-situation"), function (element) {
      element.appendChild(document.createTextNode("\n"));
    });
    var text = copy.textContent.replace(/\n\s*/g, "\n").replace(/^\s+|\s+$/g, "");
    if (sources) text += "\n这份清单注明了" + sources + "处政策出处，请看屏幕上每一条后面括号里的文件名。";
    return text;
  }

  // What 朗读 says: the answer; the "来源：" lines are counted, not read out one by one.
  function speechText(response) {
    if (hasClass(response, "plan-card")) return planSpeechText(response);
    var lines = (response.innerText || response.textContent || "").split(/\n+/);
    var said = [];
    var sources = 0;
    forEach(lines, function (line) {
      line = line.replace(/^\s+|\s+$/g, "");
      if (!line) return;
      if (line.indexOf("来源：") === 0) {
        sources += 1;
      } else if (!sources) {
        said.push(line);
      }
    });
    var text = said.join("\n");
    if (sources) text += "\n这个回答注明了" + sources + "条政策出处，请看屏幕上的“来源”。";
    return text;
  }

  // Short pieces: some engines stop a long utterance after about 15 seconds.
  function speechChunks(text) {
    var pieces = text.match(/[^。！？；\n]+[。！？；]?/g) || [];
    var chunks = [];
    var current = "";
    forEach(pieces, function (piece) {
      if (current && (current + piece).length > 100) {
        chunks.push(current);
        current = "";
      }
      current += piece;
    });
    if (current) chunks.push(current);
    return chunks;
  }

  function showSpeaking(button, speaking) {
    button.textContent = speaking ? "停止" : "朗读";
    button.setAttribute("aria-label", speaking ? STOP_LABEL : SPEAK_LABEL);
    button.setAttribute("aria-pressed", speaking ? "true" : "false");
  }

  function stopSpeaking() {
    if (speakingButton) showSpeaking(speakingButton, false);
    speakingButton = null;
    try {
      speech.cancel();
    } catch (err) { /* nothing was being said */ }
  }

  function speak(button, response) {
    if (speakingButton === button) {
      stopSpeaking();
      return;
    }
    stopSpeaking();
    var chunks = speechChunks(speechText(response));
    if (!chunks.length) return;
    var voice = chineseVoice();
    speakingButton = button;
    showSpeaking(button, true);
    forEach(chunks, function (chunk, index) {
      var utterance = new window.SpeechSynthesisUtterance(chunk);
      utterance.lang = "zh-CN";
      utterance.rate = 0.9;
      if (voice) utterance.voice = voice;
      utterance.onend = function () {
        if (index === chunks.length - 1 && speakingButton === button) {
          speakingButton = null;
          showSpeaking(button, false);
        }
      };
      utterance.onerror = function (event) {
        if (speakingButton !== button) return;
        speakingButton = null;
        showSpeaking(button, false);
        if (!event || (event.error !== "interrupted" && event.error !== "canceled")) {
          setStatus("这个浏览器暂时不能朗读，请看屏幕上的文字。");
        }
      };
      speech.speak(utterance);
    });
  }

  function addSpeakButton(response) {
    var next = response.nextElementSibling;
    if (hasClass(next, "speak-row") || !response.parentNode) return;
    var row = document.createElement("div");
    row.className = "speak-row";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "speak-button";
    showSpeaking(button, false);
    button.addEventListener("click", function (event) {
      event.stopPropagation();
      speak(button, response);
    });
    row.appendChild(button);
    response.parentNode.insertBefore(row, next);
  }

  // ---------------------------------------------------------------- the family plan card

  var PLAN_TITLE = "我的生育政策清单";
  var PLAN_SECTION = /^[一二三四五六七八九十]+、/;
  var PLAN_SITUATION = "您的情况：";
  var PLAN_LINKS = /^\/plan(\.ics|\/print)\?/;

  function trim(text) {
    return (text || "").replace(/^\s+|\s+$/g, "");
  }

  function isPlanCard(response) {
    var headings = response.querySelectorAll("h2");
    for (var i = 0; i < headings.length; i += 1) {
      if (trim(headings[i].textContent) === PLAN_TITLE) return true;
    }
    return false;
  }

  // Where the closing "（《…》…）" of a line begins (brackets may nest: "清单》（二））"), or -1.
  function sourceStart(text) {
    var end = text.replace(/\s+$/, "").length - 1;
    if (end < 0 || text.charAt(end) !== "）") return -1;
    var depth = 0;
    for (var i = end; i >= 0; i -= 1) {
      var character = text.charAt(i);
      if (character === "）") {
        depth += 1;
      } else if (character === "（") {
        depth -= 1;
        if (depth === 0) return text.charAt(i + 1) === "《" ? i : -1;
      }
    }
    return -1;
  }

  // Puts text[start:] of a text node into a new <span class="name">.
  function wrapTail(node, start, name) {
    var tail = start > 0 ? node.splitText(start) : node;
    var span = document.createElement("span");
    span.className = name;
    tail.parentNode.insertBefore(span, tail);
    span.appendChild(tail);
    return span;
  }

  function textNodesOf(element) {
    var found = [];
    forEach(element.childNodes, function (child) {
      if (child.nodeType === 3) found.push(child);
    });
    return found;
  }

  // The calendar and print links (with the " · " between them) as one row.
  function markPlanLinks(card) {
    var links = [];
    forEach(card.querySelectorAll("a[href]"), function (link) {
      if (PLAN_LINKS.test(link.getAttribute("href") || "")) links.push(link);
    });
    if (!links.length) return;
    var first = links[0];
    var last = links[links.length - 1];
    var parent = first.parentNode;
    forEach(links, function (link) {
      link.classList.add("plan-link");
      if (/^\/plan\.ics/.test(link.getAttribute("href"))) link.setAttribute("download", "我的生育政策清单.ics");
    });
    if (last.parentNode !== parent) return;
    var row = document.createElement("span");
    row.className = "plan-links";
    parent.insertBefore(row, first);
    var node = first;
    while (node) {
      var next = node.nextSibling;
      if (node.nodeType === 3 && !trim(node.data.replace(/·/g, ""))) {   // " · ": the row's gap shows it
        var separator = document.createElement("span");
        separator.className = "plan-links-separator";
        separator.setAttribute("aria-hidden", "true");
        separator.appendChild(node);
        node = separator;
      }
      row.appendChild(node);
      if (node === last) break;
      node = next;
    }
    // What follows the links in the same paragraph (the hint "情况有变，直接说…").
    var rest = row.nextSibling;
    while (rest && rest.nodeType === 3 && !trim(rest.data)) rest = rest.nextSibling;
    if (rest && rest.nodeType === 3) wrapTail(rest, rest.data.length - rest.data.replace(/^\s+/, "").length, "plan-note");
  }

  function markPlanCard(response) {
    if (hasClass(response, "plan-card") || !isPlanCard(response)) return;
    response.classList.add("plan-card");
    forEach(response.querySelectorAll("strong, h3"), function (heading) {
      if (!PLAN_SECTION.test(trim(heading.textContent))) return;
      heading.classList.add("plan-section");
      if (heading.tagName === "STRONG") {   // "**一、假期**": a heading for screen readers, under the h2
        heading.setAttribute("role", "heading");
        heading.setAttribute("aria-level", "3");
      }
    });
    forEach(response.querySelectorAll("p, li"), function (block) {
      forEach(textNodesOf(block), function (node) {
        if (node.data.indexOf(PLAN_SITUATION) === 0 && block.tagName === "P") {
          wrapTail(node, 0, "plan-situation");
          return;
        }
        var start = sourceStart(node.data);
        if (start >= 0) wrapTail(node, start, "plan-source");
      });
    });
    markPlanLinks(response);
  }

  // ---------------------------------------------------------------- the widget's markup

  function messagesContainer() {
    return chatElement.querySelector(".rw-messages-container");
  }

  function isOurs(node) {
    return hasClass(node, "speak-row") || !!(node && node.closest && node.closest(".speak-row, .plan-card"));
  }

  // Whether the widget changed its list of messages (then it has just scrolled to the bottom);
  // the 朗读 buttons added or relabelled here do not count.
  function messagesChanged(records) {
    for (var i = 0; i < records.length; i += 1) {
      var record = records[i];
      if (record.type !== "childList" || isOurs(record.target)) continue;
      var nodes = Array.prototype.slice.call(record.addedNodes).concat(Array.prototype.slice.call(record.removedNodes));
      for (var j = 0; j < nodes.length; j += 1) {
        if (nodes[j].nodeType === 1 && !hasClass(nodes[j], "speak-row")) return true;
      }
    }
    return false;
  }

  // The widget scrolls to the bottom on every update. When the newest answer is taller than the
  // conversation area, show it from its question instead, so that the answer is what one sees.
  function keepLatestAnswerInView() {
    var container = messagesContainer();
    if (!container) return;
    var groups = container.querySelectorAll(".rw-group-message");
    var last = groups[groups.length - 1];
    var question = last && last.previousElementSibling;
    if (!hasClass(last, "rw-from-response") || !hasClass(question, "rw-from-client")) return;
    if (container.querySelector(".rw-typing-indication")) return;
    var top = question.getBoundingClientRect().top - container.getBoundingClientRect().top + container.scrollTop - 4;
    if (container.scrollHeight - top > container.clientHeight) container.scrollTop = Math.max(0, top);
  }

  function completeWidgetMarkup() {
    var container = messagesContainer();
    if (container && !container.hasAttribute("role")) {
      container.setAttribute("role", "log");
      container.setAttribute("aria-label", "对话记录");
      container.setAttribute("tabindex", "0");   // scrollable: reachable by keyboard
    }
    var input = chatElement.querySelector(".rw-new-message");
    if (input && !input.hasAttribute("aria-label")) {
      input.setAttribute("aria-label", "输入您的问题");
      input.setAttribute("enterkeyhint", "send");
      // The widget focuses its text box when it starts: on a touch screen that would open the
      // keyboard over the conversation before anything has been read.
      if (document.activeElement === input && window.matchMedia && window.matchMedia("(pointer: coarse)").matches) {
        input.blur();
      }
    }
    var send = chatElement.querySelector(".rw-send");
    if (send && !send.hasAttribute("aria-label")) {
      send.setAttribute("aria-label", "发送");
      forEach(send.querySelectorAll("svg"), function (icon) {
        icon.setAttribute("aria-hidden", "true");
        icon.setAttribute("focusable", "false");
      });
    }
    forEach(chatElement.querySelectorAll("div.rw-reply:not([role])"), function (reply) {
      reply.setAttribute("role", "button");
      reply.setAttribute("tabindex", "0");
    });
    forEach(chatElement.querySelectorAll(".rw-from-response .rw-response:not(.plan-card)"), markPlanCard);
    if (speech) {
      forEach(chatElement.querySelectorAll(".rw-from-response .rw-response"), addSpeakButton);
    }
  }
  if (window.MutationObserver) {
    new window.MutationObserver(function (records) {
      completeWidgetMarkup();
      if (messagesChanged(records)) keepLatestAnswerInView();
    }).observe(chatElement, { childList: true, subtree: true });
  }

  function roundTo(value, digits) {
    var factor = Math.pow(10, digits);
    return Math.round(value * factor) / factor;
  }

  function sendWithLocation(text, location) {
    if (!webchat || !sessionConfirmed) {
      setStatus("尚未连接到助手服务，请稍后再试。");
      return;
    }
    customData.location = location;
    try {
      // sendMessage(payload, textShown): the widget emits synchronously once the session is confirmed.
      webchat.sendMessage(text, text);
    } finally {
      delete customData.location;
    }
  }

  locateButton.addEventListener("click", function () {
    if (!navigator.geolocation || !window.isSecureContext) {
      setStatus("此页面无法使用定位（需要 HTTPS 或本机访问）。请直接输入所在区县，例如“昆都仑区有哪些托育机构”。");
      return;
    }
    setStatus("正在获取您的位置…");
    locateButton.disabled = true;
    navigator.geolocation.getCurrentPosition(function (position) {
      updateLocateButton();
      setStatus("已获取位置，正在查找附近的托育机构。", true);
      sendWithLocation(CHILDCARE_NEARBY, {
        latitude: roundTo(position.coords.latitude, 3),
        longitude: roundTo(position.coords.longitude, 3)
      });
    }, function (error) {
      updateLocateButton();
      if (error.code === 1) {
        setStatus("未获得定位权限。您也可以直接输入所在区县，例如“昆都仑区有哪些托育机构”。");
      } else {
        setStatus("暂时无法获取位置，请稍后再试，或直接输入所在区县。");
      }
    }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 });
  });

  resetButton.addEventListener("click", function () {
    if (speech) stopSpeaking();
    try {
      window.localStorage.removeItem(STORAGE_KEY);
    } catch (err) { /* storage disabled: nothing to clear */ }
    window.location.reload();
  });

  if (!window.WebChat || typeof window.WebChat.default !== "function") {
    setStatus("聊天组件没有加载（/vendor/rasa-webchat.js）。请在仓库根目录运行 npm ci 后重启页面服务。");
    return;
  }

  window.WebChat.default({
    socketUrl: rasaUrl,
    socketPath: socketPath,
    customData: customData,
    initPayload: "/greet",
    title: "生育政策智能助手",
    subtitle: "回答均注明政策出处",
    inputTextFieldHint: "请输入问题，例如：包头生三孩产假多少天",
    connectingText: "正在连接…",
    embedded: true,
    showCloseButton: false,
    showFullScreenButton: false,
    hideWhenNotConnected: false,
    withRules: false,
    docViewer: false,
    params: { storage: "local" },
    customMessageDelay: function (message) {
      return Math.min(1200, 200 + 4 * (message ? message.length : 0));
    },
    onSocketEvent: {
      connect: function () {
        setStatus("已连接，正在建立会话…");
      },
      session_confirm: function () {
        sessionConfirmed = true;
        updateLocateButton();
        if (window.isSecureContext && navigator.geolocation) {
          setStatus("已连接。", true);
        } else {
          setStatus("已连接。此页面不是通过 HTTPS 或本机打开，无法使用定位；请直接输入所在区县。");
        }
      },
      disconnect: function () {
        sessionConfirmed = false;
        updateLocateButton();
        setStatus("与助手服务的连接已断开，正在重连…");
      },
      connect_error: function () {
        setStatus("无法连接到助手服务（" + rasaUrl + "），正在重试…");
      }
    },
    innerRef: function (element) {
      webchat = element;
      updateLocateButton();
    }
  }, chatElement);
})();
