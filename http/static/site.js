// dateline reader script, loaded with defer on every reader page. Each part
// enhances markup that already works without it, and fails soft: a missing
// browser feature, blocked storage or a failed request leaves the page as the
// server rendered it.
(() => {
	"use strict";
	const $ = (sel, root = document) => root.querySelector(sel);
	const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
	const make = (tag, cls, text) => {
		const el = document.createElement(tag);
		if (cls) el.className = cls;
		if (text) el.textContent = text;
		return el;
	};
	const array = (v) => (Array.isArray(v) ? v : []);

	// The few words this script writes, in the page's language; the
	// server writes everything else.
	const ru = document.documentElement.lang === "ru";
	const wordsRU = {
		"Feed settings": "Настройки ленты", "Remove": "Удалить", "Following": "Вы следите", "Follow": "Следить",
		"Search result: ": "Результат поиска: ", "On a subject: ": "По теме: ", "Loading…": "Загрузка…",
		"Close breaking news": "Закрыть срочную новость", "BREAKING": "СРОЧНО", "URGENT": "СРОЧНО", ": show": ": показать",
		" on your subjects": " по вашим темам",
	};
	const tr = (s) => (ru && wordsRU[s]) || s;
	const newStories = (n) => {
		if (!ru) return n === 1 ? "1 new story" : n + " new stories";
		const n10 = n % 10, n100 = n % 100;
		if (n10 === 1 && n100 !== 11) return n + " новый материал";
		if (n10 >= 2 && n10 <= 4 && (n100 < 12 || n100 > 14)) return n + " новых материала";
		return n + " новых материалов";
	};

	// Back to top: the footer's link floats at the corner once the reader
	// is more than a screen down the page.
	const toTop = $("[data-to-top]");
	if (toTop) {
		const place = () => toTop.classList.toggle("floating", window.scrollY > window.innerHeight);
		window.addEventListener("scroll", place, { passive: true });
		place();
	}

	// Storage may be missing or throw (private modes, blocked cookies): then
	// nothing is remembered and nothing breaks.
	const load = (kind, key) => {
		try { return JSON.parse(window[kind].getItem(key)); } catch { return null; }
	};
	const save = (kind, key, value) => {
		try { window[kind].setItem(key, JSON.stringify(value)); } catch { /* not remembered */ }
	};

	// Saved searches and followed topics, kept in this browser only.
	const SEARCHES = "dateline.searches", TOPICS = "dateline.topics";
	const isTopic = (t) => t && typeof t.slug === "string" && typeof t.name === "string";
	const searches = () => array(load("localStorage", SEARCHES)).filter((s) => typeof s === "string" && words(s).length);
	const followed = () => array(load("localStorage", TOPICS)).filter(isTopic);
	const itemTopics = (li) => {
		try { return array(JSON.parse(li.dataset.topics || "[]")).filter(isTopic); } catch { return []; }
	};

	// words splits text for matching: case and punctuation do not count and
	// Russian ё is е. A search word matches the start of a headline word, so
	// "Syria" finds "Syrian" and Russian endings do not get in the way.
	const words = (s) => String(s).toLowerCase().replace(/ё/g, "е").split(/[^\p{L}\p{N}]+/u).filter(Boolean);
	const matches = (headline, search) => {
		const hw = words(headline);
		return words(search).every((w) => hw.some((h) => h.startsWith(w)));
	};
	// interesting reports whether a story is on the reader's subjects.
	const interesting = (headline, topics, ss, fs) =>
		ss.some((s) => matches(headline, s)) || fs.some((f) => topics.some((t) => t.slug === f.slug));

	// tabs makes ARIA tabs with a roving tabindex: Left/Right move and wrap,
	// Home/End jump, and moving selects. Switching never touches the URL.
	function tabs(tablist, tabEls, panels, start, onSelect) {
		tablist.setAttribute("role", "tablist");
		const select = (i, focus) => {
			tabEls.forEach((t, j) => {
				t.setAttribute("aria-selected", String(i === j));
				t.tabIndex = i === j ? 0 : -1;
				panels[j].hidden = i !== j;
			});
			if (focus) tabEls[i].focus();
			onSelect(i);
		};
		tabEls.forEach((t, i) => {
			t.setAttribute("role", "tab");
			t.id = t.id || panels[i].id + "-tab";
			t.setAttribute("aria-controls", panels[i].id);
			panels[i].setAttribute("role", "tabpanel");
			panels[i].setAttribute("aria-labelledby", t.id);
			t.addEventListener("click", (ev) => { ev.preventDefault(); select(i); });
			t.addEventListener("keydown", (ev) => {
				const n = tabEls.length;
				const to = { ArrowLeft: (i + n - 1) % n, ArrowRight: (i + 1) % n, Home: 0, End: n - 1 }[ev.key];
				if (to === undefined || ev.altKey || ev.ctrlKey || ev.metaKey) return;
				ev.preventDefault();
				select(to, true);
			});
		});
		select(Math.max(0, start));
	}

	// View beacon: one per page load, once the page has been seen (not while
	// prerendered or in a background tab).
	const article = $("article.article[data-id]");
	if (article) {
		let sent = false;
		const send = () => {
			if (sent || document.prerendering || document.visibilityState !== "visible") return;
			sent = true;
			const url = "/api/v1/views", body = "id=" + encodeURIComponent(article.dataset.id);
			let ok = false;
			try { ok = navigator.sendBeacon(url, body); } catch { /* fall back */ }
			if (!ok && window.fetch) fetch(url, { method: "POST", body, keepalive: true }).catch(() => {});
		};
		document.addEventListener("visibilitychange", send);
		document.addEventListener("prerenderingchange", send);
		send();
	}

	// Most read: the server shows one list with :target; here the links
	// become tabs. Each list is wrapped in the tab panel so it stays a list.
	const mostRead = $(".most-read");
	const mrTabs = mostRead ? $$(".mr-tabs a[href^='#']", mostRead) : [];
	if (mrTabs.length) {
		const lists = mrTabs.map((a) => document.getElementById(a.getAttribute("href").slice(1)));
		if (lists.every(Boolean)) {
			const panels = lists.map((ol) => {
				const div = make("div", "mr-tabpanel");
				div.id = ol.id + "-panel";
				ol.before(div);
				div.append(ol);
				return div;
			});
			$$(".mr-tabs > li", mostRead).forEach((li) => li.setAttribute("role", "presentation"));
			const tablist = $(".mr-tabs", mostRead);
			if ($("h2[id]", mostRead)) tablist.setAttribute("aria-labelledby", $("h2[id]", mostRead).id);
			const ids = lists.map((ol) => ol.id);
			const wanted = ids.includes(location.hash.slice(1)) ? location.hash.slice(1) : load("sessionStorage", "dateline.mostread");
			mostRead.classList.add("mr-js");
			tabs(tablist, mrTabs, panels, ids.indexOf(wanted), (i) => save("sessionStorage", "dateline.mostread", ids[i]));
		}
	}

	// Feed settings: the News tab is a plain form; Search and Topics live
	// only here.
	const filterTabs = $(".filter-tabs");
	const filterPanels = filterTabs ? $$(".filter-tab[data-label]", filterTabs) : [];
	if (filterPanels.length > 1) {
		const tablist = make("div", "filter-tablist");
		tablist.setAttribute("aria-label", tr("Feed settings"));
		const buttons = filterPanels.map((p) => {
			const b = make("button", "", p.dataset.label);
			b.type = "button";
			tablist.append(b);
			return b;
		});
		filterTabs.prepend(tablist);
		const ids = filterPanels.map((p) => p.id);
		tabs(tablist, buttons, filterPanels, ids.indexOf(load("sessionStorage", "dateline.filtertab")),
			(i) => save("sessionStorage", "dateline.filtertab", ids[i]));
	}

	const searchForm = $(".saved-search-form");
	if (searchForm) {
		searchForm.addEventListener("submit", (ev) => {
			ev.preventDefault();
			const input = $("input", searchForm);
			const q = input.value.trim().replace(/\s+/g, " ");
			const key = words(q).join(" ");
			const list = searches();
			if (key && !list.some((s) => words(s).join(" ") === key)) save("localStorage", SEARCHES, list.concat(q));
			input.value = "";
			changed();
		});
	}

	function renderSearches() {
		const ul = $(".saved-list");
		if (!ul) return;
		ul.replaceChildren(...searches().map((s) => {
			const li = make("li"), remove = make("button", "", tr("Remove"));
			remove.type = "button";
			remove.setAttribute("aria-label", tr("Remove") + " “" + s + "”");
			remove.addEventListener("click", () => {
				save("localStorage", SEARCHES, searches().filter((v) => v !== s));
				changed();
				const input = $("input", searchForm);
				if (input) input.focus();
			});
			li.append(make("span", "", s), " ", remove);
			return li;
		}));
	}

	function follow(topic, on) {
		const rest = followed().filter((t) => t.slug !== topic.slug);
		save("localStorage", TOPICS, on ? rest.concat({ slug: topic.slug, name: topic.name }) : rest);
		changed();
	}

	// Topics tab: the topics of the stories on the page and the followed ones.
	function renderTopics() {
		const ul = $(".topic-options");
		if (!ul) return;
		const fs = followed(), all = new Map();
		$$(".feed-item[data-topics]").forEach((li) => itemTopics(li).forEach((t) => all.set(t.slug, t)));
		fs.forEach((t) => all.set(t.slug, t));
		const list = Array.from(all.values()).sort((a, b) => a.name.localeCompare(b.name));
		const on = new Set(fs.map((t) => t.slug));
		const key = list.map((t) => t.slug).join(" ");
		if (ul.dataset.key !== key) {
			const focused = ul.contains(document.activeElement) ? document.activeElement.value : null;
			ul.dataset.key = key;
			ul.replaceChildren(...list.map((t) => {
				const li = make("li"), label = make("label"), box = make("input");
				box.type = "checkbox";
				box.value = t.slug;
				box.addEventListener("change", () => follow(t, box.checked));
				label.append(box, " " + t.name);
				li.append(label);
				return li;
			}));
			const again = $$("input", ul).find((b) => b.value === focused);
			if (again) again.focus();
		}
		$$("input", ul).forEach((b) => { b.checked = on.has(b.value); });
	}

	// Article pages: a Follow button after each topic.
	$$(".tags a[href^='/topics/']").forEach((a) => {
		let slug = "";
		try { slug = decodeURIComponent(a.getAttribute("href").slice("/topics/".length)); } catch { return; }
		const topic = { slug, name: a.textContent.trim() };
		const b = make("button", "follow");
		b.type = "button";
		b.dataset.slug = slug;
		b.dataset.name = topic.name;
		b.addEventListener("click", () => follow(topic, b.getAttribute("aria-pressed") !== "true"));
		a.after(" ", b);
	});
	function renderFollows() {
		const on = new Set(followed().map((t) => t.slug));
		$$("button.follow").forEach((b) => {
			// The visible text says the state; the hidden name says which topic.
			b.setAttribute("aria-pressed", String(on.has(b.dataset.slug)));
			b.replaceChildren(on.has(b.dataset.slug) ? tr("Following") : tr("Follow"), make("span", "vh", " " + b.dataset.name));
		});
	}

	// Marks: feed items that match a saved search or a followed topic.
	function renderMarks() {
		$$(".item-mark").forEach((m) => m.remove());
		const ss = searches(), fs = followed();
		if (!ss.length && !fs.length) return;
		$$(".feed-item").forEach((li) => {
			const div = $(":scope > div", li), title = $(".teaser-title", li);
			if (!div || !title) return;
			const topics = itemTopics(li);
			ss.filter((s) => matches(title.textContent, s))
				.forEach((s) => div.append(make("span", "item-mark", tr("Search result: ") + s)));
			fs.filter((f) => topics.some((t) => t.slug === f.slug))
				.forEach((f) => div.append(make("span", "item-mark", tr("On a subject: ") + f.name)));
		});
	}

	let renderLive = () => {};
	// changed redraws everything that depends on the feed or the settings.
	function changed() {
		renderSearches();
		renderTopics();
		renderFollows();
		renderMarks();
		renderLive();
	}
	changed();
	window.addEventListener("storage", (ev) => {
		if (!ev.key || ev.key === SEARCHES || ev.key === TOPICS) changed();
	});

	// "More news" appends the next page of the feed in place. Without this
	// the link simply opens the next page.
	document.addEventListener("click", (ev) => {
		const link = ev.target.closest && ev.target.closest("a[data-more]");
		if (!link || !window.fetch || ev.button || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
		ev.preventDefault();
		if (link.getAttribute("aria-busy")) return;
		link.setAttribute("aria-busy", "true");
		link.textContent = tr("Loading…");
		fetch(link.href, { headers: { Accept: "text/html" } })
			.then((r) => {
				if (!r.ok) throw new Error(r.status);
				return r.text();
			})
			.then((html) => {
				const doc = new DOMParser().parseFromString(html, "text/html");
				const feed = document.getElementById("feed"), next = doc.getElementById("feed");
				if (!feed || !next) throw new Error("no feed");
				const seen = new Set($$(".feed-item[data-id]", feed).map((li) => li.dataset.id));
				$$(".feed-day", next).forEach((day) => {
					// A story published meanwhile pushes older ones onto the next page.
					$$(".feed-item[data-id]", day).filter((li) => seen.has(li.dataset.id)).forEach((li) => li.remove());
					if (!$("li", day)) return;
					const last = $$(".feed-day", feed).pop();
					if (last && last.dataset.date === day.dataset.date) {
						$$("ol > li", day).forEach((li) => $("ol", last).append(document.importNode(li, true)));
					} else {
						feed.append(document.importNode(day, true));
					}
				});
				const newMore = $("a[data-more]", doc);
				if (newMore) {
					link.href = newMore.href;
					link.textContent = newMore.textContent;
					link.removeAttribute("aria-busy");
				} else {
					link.remove();
				}
				changed();
			})
			.catch(() => {
				window.location.href = link.href;
			});
	});

	// Live news: new stories, withdrawals and breaking news from the stream.
	const live = document.getElementById("live");
	if (!live || !live.dataset.stream || !window.EventSource) return;
	const mode = live.dataset.mode || "banner";
	const sections = (live.dataset.sections || "").split(/\s+/).filter(Boolean);
	const pending = new Map(); // id → event: published, not yet on the page
	const closed = () => array(load("sessionStorage", "dateline.closed"));
	const absolute = (url) => {
		try {
			const u = new URL(url, location.href);
			return /^https?:$/.test(u.protocol) ? u.href : null;
		} catch { return null; }
	};
	const linksTo = (href) => Array.from(document.links).filter((a) => href && a.href === href && !a.closest(".live"));
	const onPage = (id, href) => $$(".feed-item[data-id], article[data-id]").some((el) => el.dataset.id === String(id)) || linksTo(href).length > 0;

	let button = null, busy = false;
	if (mode === "feed" || mode === "home") {
		const region = make("div", "live-news");
		region.setAttribute("aria-live", "polite");
		button = make("button", "live-show");
		button.type = "button";
		button.hidden = true;
		region.append(button);
		live.append(region);
		button.addEventListener("click", () => (mode === "home" ? location.reload() : showNew()));
		renderLive = () => {
			const n = pending.size;
			button.hidden = n === 0;
			if (!n) {
				button.replaceChildren();
				return;
			}
			let text = newStories(n);
			const ss = searches(), fs = followed();
			if (ss.length || fs.length) {
				const m = Array.from(pending.values()).filter((e) => interesting(e.headline, e.topics, ss, fs)).length;
				text += ", " + m + tr(" on your subjects");
			}
			button.textContent = text + tr(": show");
		};
	}

	// showNew swaps the feed for a fresh copy of this page's.
	function showNew() {
		if (busy) return;
		busy = true;
		button.setAttribute("aria-busy", "true");
		fetch(location.pathname + location.search, { headers: { Accept: "text/html" }, cache: "no-cache" })
			.then((r) => {
				if (!r.ok) throw new Error(r.status);
				return r.text();
			})
			.then((html) => {
				const doc = new DOMParser().parseFromString(html, "text/html");
				const feed = document.getElementById("feed"), next = doc.getElementById("feed");
				if (!feed || !next) throw new Error("no feed");
				const fresh = document.importNode(next, true);
				feed.replaceWith(fresh);
				const more = $("a[data-more]"), newMore = $("a[data-more]", doc);
				if (more) more.remove();
				if (newMore) fresh.after(document.importNode(newMore, true));
				pending.clear();
				changed();
				const first = $(".teaser-title", fresh);
				if (first) first.focus();
			})
			.catch(() => {}) // the button stays for another try
			.finally(() => {
				busy = false;
				button.removeAttribute("aria-busy");
			});
	}

	// label is the banner's word for an event, as the article marks it: a
	// breaking story or urgency 1 is BREAKING, urgency 2 is URGENT. The
	// page gives the words in its language.
	const label = (e) => (e.breaking === true || e.urgency === 1)
		? live.dataset.breaking || tr("BREAKING")
		: live.dataset.urgent || tr("URGENT");

	// banner shows the newest breaking story until the reader closes it.
	function banner(e, href) {
		const old = $(".breaking-banner", live);
		if (old && old.dataset.id === String(e.id)) {
			const a = $("a", old);
			a.textContent = e.headline;
			a.href = href;
			$(".breaking-label", old).textContent = label(e);
			return;
		}
		if (old && Date.parse(old.dataset.at) > Date.parse(e.at)) return;
		const b = make("div", "breaking-banner"), a = make("a", "", e.headline), close = make("button", "breaking-close", "×");
		b.setAttribute("role", "alert");
		b.dataset.id = e.id;
		b.dataset.at = e.at || "";
		a.href = href;
		if (e.lang && e.lang !== document.documentElement.lang) a.lang = e.lang;
		close.type = "button";
		close.setAttribute("aria-label", tr("Close breaking news"));
		close.addEventListener("click", () => {
			save("sessionStorage", "dateline.closed", closed().concat(e.id).slice(-50));
			b.remove();
		});
		b.append(make("strong", "breaking-label", label(e)), " ", a, " ", close);
		if (old) old.replaceWith(b);
		else live.prepend(b);
	}

	function withdraw(id, href) {
		pending.delete(id);
		const b = $(".breaking-banner", live);
		if (b && b.dataset.id === String(id)) b.remove();
		$$(".feed-item[data-id]").filter((li) => li.dataset.id === String(id)).forEach((li) => li.remove());
		linksTo(href).forEach((a) => {
			const item = a.closest("li, .top-main");
			if (item && !item.closest(".article .body")) item.remove();
		});
		$$(".feed-day").filter((day) => !$("li", day)).forEach((day) => day.remove());
		renderLive();
	}

	function onEvent(msg) {
		let e;
		try { e = JSON.parse(msg.data); } catch { return; }
		if (!e || !Number.isInteger(e.id)) return;
		const href = absolute(e.url);
		if (msg.type === "withdrawn") return withdraw(e.id, href);
		if (!href || typeof e.headline !== "string" || !e.headline) return;
		e.topics = array(e.topics).filter(isTopic);
		const urgent = e.breaking === true || e.urgency === 1 || e.urgency === 2;
		if (urgent && String(e.id) !== (article && article.dataset.id) && !closed().includes(e.id)) banner(e, href);
		if (!button) return;
		if (pending.has(e.id)) {
			if (msg.type === "updated") pending.set(e.id, e); // a new headline may match now
		} else if (msg.type === "published" && !onPage(e.id, href) && (!sections.length || sections.includes(e.section))) {
			pending.set(e.id, e);
		}
		renderLive();
	}

	// The browser reconnects by itself; the page only closes the stream when
	// it goes into the back/forward cache and opens it again on the way out.
	let source = null;
	const open = () => {
		try {
			source = new EventSource(live.dataset.stream);
			["published", "updated", "withdrawn"].forEach((t) => source.addEventListener(t, onEvent));
		} catch { source = null; }
	};
	window.addEventListener("pagehide", () => {
		if (source) source.close();
		source = null;
	});
	window.addEventListener("pageshow", (ev) => { if (ev.persisted && !source) open(); });
	open();
})();
