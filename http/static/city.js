// The reader's city: header clocks tick, and the /city list narrows as
// the reader types. Pages are whole without it: the server writes the
// time at render and the list is a form of buttons.
(function () {
	"use strict";
	var formats = {};
	function format(zone) {
		if (!formats[zone]) {
			try {
				formats[zone] = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
			} catch (e) {
				formats[zone] = null; // an engine without the zone keeps the server's time
			}
		}
		return formats[zone];
	}
	function tick() {
		var now = new Date();
		var els = document.querySelectorAll("time[data-zone]");
		for (var i = 0; i < els.length; i++) {
			var f = format(els[i].getAttribute("data-zone"));
			if (f) {
				var text = f.format(now);
				if (els[i].textContent !== text) {
					els[i].textContent = text;
				}
			}
		}
		// Next just after the turn of the second: a clock put right by the
		// system (or a tab woken from sleep) is right within a second.
		setTimeout(tick, 1000 - now.getMilliseconds() + 20);
	}

	function fold(s) {
		return s.toLowerCase().replace(/ё/g, "е").replace(/[\u0300-\u036f]/g, "");
	}
	function filter() {
		var box = document.querySelector(".city-filter");
		if (!box) {
			return;
		}
		var input = box.querySelector("input");
		var none = box.querySelector(".city-none");
		var items = document.querySelectorAll(".city-list li");
		var keys = [];
		for (var i = 0; i < items.length; i++) {
			keys.push(fold((items[i].textContent || "").normalize ? items[i].textContent.normalize("NFD") : items[i].textContent));
		}
		box.hidden = false;
		input.addEventListener("input", function () {
			var q = fold(input.value.normalize ? input.value.normalize("NFD") : input.value).trim();
			var shown = 0;
			for (var i = 0; i < items.length; i++) {
				var on = q === "" || keys[i].indexOf(q) >= 0;
				items[i].hidden = !on;
				if (on) {
					shown++;
				}
			}
			var groups = document.querySelectorAll(".city-group");
			for (var g = 0; g < groups.length; g++) {
				groups[g].hidden = groups[g].querySelector("li:not([hidden])") === null;
			}
			none.hidden = shown > 0;
		});
	}

	function start() {
		tick();
		filter();
	}
	if (document.readyState === "loading") {
		document.addEventListener("DOMContentLoaded", start);
	} else {
		start();
	}
})();
