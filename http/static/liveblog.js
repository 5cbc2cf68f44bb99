// The live story's page: new posts arrive through the site's stream and
// wait behind a "N new posts" button, so the page never jumps under the
// reader; edits and deletions apply in place. Without script the page
// is whole and paged by links.
(() => {
	"use strict";
	const section = document.getElementById("posts");
	if (!section || !section.dataset.live || !window.EventSource || !window.fetch) return;
	const story = Number(section.dataset.story);
	const list = document.getElementById("live-posts");
	const region = section.querySelector(".live-new");
	const order = section.dataset.order || "newest";
	const page = Number(section.dataset.page) || 1;
	// New posts join this page only where they belong: the first page of
	// newest first, or the last of oldest first.
	const atEdge = () => (order === "newest" ? page === 1 : !section.querySelector('.live-pages a[rel="next"]'));
	const pending = new Map(); // id → element, not yet shown
	const button = document.createElement("button");
	button.type = "button";
	button.className = "live-show";
	button.hidden = true;
	region.append(button);

	const ids = () => Array.from(list.querySelectorAll("li.live-post")).map((li) => Number(li.dataset.id));
	const render = () => {
		const n = pending.size;
		button.hidden = n === 0;
		button.textContent = n === 1 ? section.dataset.one : n + " " + section.dataset.many;
	};

	function show() {
		if (!atEdge()) {
			location.href = location.pathname + (order === "newest" ? "" : "?order=oldest") + "#posts";
			return;
		}
		const fresh = Array.from(pending.values()).sort((a, b) => Number(a.dataset.id) - Number(b.dataset.id));
		if (!fresh.length) return;
		if (order === "newest") {
			fresh.reverse().forEach((li, i) => (i === 0 ? list.prepend(li) : fresh[i - 1].after(li)));
		} else {
			fresh.forEach((li) => list.append(li));
		}
		pending.clear();
		render();
		const first = fresh[0];
		first.tabIndex = -1;
		first.focus({ preventScroll: false });
	}
	button.addEventListener("click", show);

	let busy = false, again = false;
	function refresh() {
		if (busy) {
			again = true;
			return;
		}
		busy = true;
		fetch(location.pathname + location.search, { headers: { Accept: "text/html" }, cache: "no-cache" })
			.then((r) => {
				if (!r.ok) throw new Error(r.status);
				return r.text();
			})
			.then((html) => {
				const doc = new DOMParser().parseFromString(html, "text/html");
				const next = doc.getElementById("posts");
				if (!next) return;
				const shown = ids();
				const got = Array.from(next.querySelectorAll("#live-posts li.live-post"));
				const gotIDs = got.map((li) => Number(li.dataset.id));
				const newest = Math.max(0, ...shown, ...pending.keys());
				const low = Math.min(...gotIDs);
				got.forEach((li) => {
					const id = Number(li.dataset.id);
					const old = list.querySelector('li.live-post[data-id="' + id + '"]');
					if (old) {
						if (old.dataset.version !== li.dataset.version) old.replaceWith(document.importNode(li, true));
					} else if (id > newest || pending.has(id)) {
						pending.set(id, document.importNode(li, true));
					}
				});
				// Posts deleted since: gone from where they would still show.
				shown.filter((id) => id >= low && !gotIDs.includes(id)).forEach((id) => {
					const li = list.querySelector('li.live-post[data-id="' + id + '"]');
					if (li) li.remove();
				});
				Array.from(pending.keys()).filter((id) => !gotIDs.includes(id) && id >= low).forEach((id) => pending.delete(id));
				const count = section.querySelector(".live-count"), newCount = next.querySelector(".live-count");
				if (count && newCount) count.replaceWith(document.importNode(newCount, true));
				["live-summary", "key-events"].forEach((cls) => {
					const mine = section.querySelector("." + cls), theirs = next.querySelector("." + cls);
					if (mine && theirs) mine.replaceWith(document.importNode(theirs, true));
					else if (mine) mine.remove();
					else if (theirs) section.querySelector(".live-order").before(document.importNode(theirs, true));
				});
				if (!next.dataset.live) {
					// The coverage ended: no more live mark, no more stream.
					document.querySelectorAll("h1 .mark-live").forEach((m) => m.remove());
					close();
				}
				render();
			})
			.catch(() => {}) // the next event tries again
			.finally(() => {
				busy = false;
				if (again) {
					again = false;
					refresh();
				}
			});
	}

	let timer = 0;
	function onEvent(msg) {
		let e;
		try { e = JSON.parse(msg.data); } catch { return; }
		if (!e || e.id !== story) return;
		clearTimeout(timer);
		timer = setTimeout(refresh, 300); // one read for a burst of posts
	}

	let source = null;
	const open = () => {
		try {
			source = new EventSource(section.dataset.stream || "/api/v1/stream");
			["post", "updated"].forEach((t) => source.addEventListener(t, onEvent));
		} catch { source = null; }
	};
	const close = () => {
		if (source) source.close();
		source = null;
	};
	window.addEventListener("pagehide", close);
	window.addEventListener("pageshow", (ev) => { if (ev.persisted && !source) { open(); refresh(); } });
	open();
})();
