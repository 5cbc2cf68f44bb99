// The newsroom's live story page: the list of posts refreshes every few
// seconds, so colleagues' posts show up, without touching the new post's
// form or a post being edited.
(() => {
	"use strict";
	const section = document.getElementById("nr-posts");
	if (!section || !window.fetch) return;
	const busy = () => section.querySelector("details[open]") !== null;
	function refresh() {
		if (document.hidden || busy()) return;
		fetch(section.dataset.refresh, { headers: { Accept: "text/html" }, cache: "no-store", credentials: "same-origin" })
			.then((r) => (r.ok ? r.text() : Promise.reject(r.status)))
			.then((html) => {
				if (busy()) return; // opened while the list was read
				const next = new DOMParser().parseFromString(html, "text/html").getElementById("nr-posts");
				const list = section.querySelector("ol"), fresh = next && next.querySelector("ol");
				if (!list || !fresh) return;
				const sig = (ol) => Array.from(ol.children).map((li) => li.dataset.id + ":" + li.dataset.version).join(",");
				if (sig(list) === sig(fresh)) return;
				list.replaceWith(document.importNode(fresh, true));
				section.querySelector("h2").textContent = next.querySelector("h2").textContent;
			})
			.catch(() => {});
	}
	setInterval(refresh, 4000);
	document.addEventListener("visibilitychange", refresh);
})();
