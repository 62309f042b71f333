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
 */
(function () {
  "use strict";

  var STORAGE_KEY = "chat_session";          // rasa-webchat's localStorage key
  var CHILDCARE_NEARBY = "附近的托育机构";
  var config = window.ASSISTANT_CONFIG || {};
  var rasaUrl = config.rasaUrl || (window.location.protocol + "//" + window.location.hostname + ":5005");
  var socketPath = config.socketPath || "/socket.io/";

  var statusLine = document.getElementById("status");
  var locateButton = document.getElementById("locate");
  var resetButton = document.getElementById("reset");

  // Sent with every message; holds the location only while one message is being sent.
  var customData = {};
  var webchat = null;
  var sessionConfirmed = false;

  function setStatus(text) {
    statusLine.textContent = text;
  }

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

  // rasa-webchat renders buttons as <div class="rw-reply" onClick>: make them reachable by keyboard.
  function makeRepliesFocusable(root) {
    var replies = root.querySelectorAll ? root.querySelectorAll("div.rw-reply:not([role])") : [];
    Array.prototype.forEach.call(replies, function (reply) {
      reply.setAttribute("role", "button");
      reply.setAttribute("tabindex", "0");
    });
  }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if ((event.key === "Enter" || event.key === " ") && target && target.matches && target.matches("div.rw-reply")) {
      event.preventDefault();
      target.click();
    }
  });
  new MutationObserver(function () { makeRepliesFocusable(document); })
    .observe(document.getElementById("webchat"), { childList: true, subtree: true });

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
      setStatus("已获取位置，正在查找附近的托育机构。");
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
        setStatus(window.isSecureContext && navigator.geolocation ? "已连接。"
          : "已连接。此页面不是通过 HTTPS 或本机打开，无法使用定位；请直接输入所在区县。");
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
  }, document.getElementById("webchat"));
})();
