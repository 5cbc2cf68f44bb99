// dateline: the story editor. On the newsroom edit page it turns the body
// textarea into a rich-text editor, adds pickers for photos and earlier
// stories, suggests topics and persons, and autosaves the draft. Without
// this script the page is a plain form with a textarea of HTML.
(function () {
	"use strict";
	const form = document.getElementById("story-form");
	if (!form) return;
	// Controls that need this script stay hidden without it.
	for (const el of document.querySelectorAll("[data-js-only]")) el.hidden = false;
	// A file dropped beside the places that take one would open in the tab
	// and lose what was typed.
	for (const type of ["dragover", "drop"]) {
		window.addEventListener(type, (e) => {
			if (!e.defaultPrevented && e.dataTransfer && e.dataTransfer.types.includes("Files")) e.preventDefault();
		});
	}

	// The language follows the section's edition, until the person sets
	// the language themselves.
	const section = form.querySelector("#section");
	const lang = form.querySelector("#lang[data-follows-section]");
	if (section && lang) {
		lang.addEventListener("change", () => { lang.dataset.chosen = "1"; });
		section.addEventListener("change", () => {
			const opt = section.selectedOptions[0];
			if (opt && opt.dataset.lang && !lang.dataset.chosen) lang.value = opt.dataset.lang;
		});
	}

	const API = "/newsroom/api/";
	const meta = document.querySelector('meta[name="csrf-token"]');
	const csrfField = form.querySelector('input[name="csrf"]');
	const csrf = (meta && meta.content) || (csrfField && csrfField.value) || "";

	// make builds an element. Attributes that are null or undefined are left
	// out; children are nodes or strings, and strings become text, so API data
	// never turns into markup.
	function make(tag, attrs, kids) {
		const e = document.createElement(tag);
		for (const k in attrs) if (attrs[k] != null) e.setAttribute(k, attrs[k]);
		if (kids) e.append(...kids.filter((k) => k != null && k !== false));
		return e;
	}

	function debounce(fn, ms) {
		let t = 0;
		return function () {
			clearTimeout(t);
			t = setTimeout(fn, ms);
		};
	}

	// readJSON returns the body of a JSON response, or throws an Error with
	// the message of the server's {"error": {...}} answer.
	async function readJSON(r) {
		const data = await r.json().catch(() => null);
		if (!r.ok) throw new Error((data && data.error && data.error.message) || r.statusText || "error " + r.status);
		return data;
	}

	function getJSON(url, signal) {
		return fetch(url, { headers: { Accept: "application/json" }, signal: signal }).then(readJSON);
	}

	// fail is the message shown for a failed request: fetch rejects with a
	// TypeError when there is no answer at all.
	function fail(err) {
		return err instanceof TypeError ? "the server cannot be reached" : err.message;
	}

	// safeURL returns the address if it is http(s) or a path on this site,
	// and null for anything else (javascript:, data:, //host, …). With
	// local, an absolute address on this site becomes a path.
	function safeURL(raw, local) {
		const s = String(raw || "").trim();
		if (/[\u0000-\u001f]/.test(s)) return null;
		if (/^\/(?![/\\])/.test(s)) return s;
		if (!/^https?:\/\//i.test(s)) return null;
		let u;
		try {
			u = new URL(s);
		} catch (err) {
			return null;
		}
		return local && u.origin === location.origin ? u.pathname + u.search + u.hash : u.href;
	}

	function dim(v) {
		const n = parseInt(v, 10);
		return n > 0 ? String(n) : null;
	}

	// Markup the toolbar inserts. Each is built with DOM calls, so captions
	// and headlines are text, whatever they contain.

	function photoFigure(p) {
		const src = safeURL(p.full || p.src);
		if (!src) return null;
		const caption = p.caption || "", credit = p.credit || "";
		const fig = make("figure", { class: "inline-photo" }, [
			make("img", { src: src, alt: caption, width: dim(p.width), height: dim(p.height) }),
		]);
		if (caption || credit) {
			fig.append(make("figcaption", null, [
				caption,
				caption && credit ? " " : null,
				credit ? make("span", { class: "credit" }, ["Photo: " + credit]) : null,
			]));
		}
		return fig;
	}

	function readAlso(a) {
		const href = safeURL(a.url);
		return href ? make("p", { class: "read-also" }, [make("a", { href: href }, [a.headline || href])]) : null;
	}

	// Cleaning HTML. The same walker reads the stored body into the editor,
	// writes the editor back to the textarea (both loose: every element the
	// site's sanitiser keeps) and cleans pasted HTML (strict: paragraphs,
	// subheads, bold, italic, links, lists, quotes and tables). It builds new
	// nodes and copies only known attributes, so nothing else gets through.
	// In strict mode the walker carries the paste's rules: {tables: whether
	// the body takes tables, flattened: set when a table became paragraphs}.

	const DROP = new Set(("script style template noscript iframe frame frameset object embed head title meta link base " +
		"svg math canvas video audio source track map area form input button select option textarea xml col colgroup").split(" "));
	const KEEP = new Set(("p br h2 h3 h4 h5 h6 blockquote ul ol li strong em u s sub sup cite q abbr pre code " +
		"figure figcaption table thead tbody tfoot tr th td caption hr").split(" "));
	const BLOCKISH = new Set(("div section article header footer main aside nav address center dl dt dd table thead tbody " +
		"tfoot tr th td caption pre figure figcaption details summary").split(" "));
	const INLINE = new Set("a strong em b i u s sub sup cite q abbr code span br img".split(" "));
	const TEXT_BLOCKS = new Set("p h2 h3 h4 h5 h6".split(" "));
	const CLASSES = { p: "read-also", hr: "page-break", figure: "inline-photo", span: "credit" };
	const HEADS = { h1: "h2", h2: "h2", h3: "h3", h4: "h3", h5: "h3", h6: "h3" };

	function cleanNodes(parent, strict) {
		const out = [];
		for (const c of parent.childNodes) out.push(...cleanNode(c, strict));
		return out;
	}

	function cleanNode(n, strict) {
		if (n.nodeType === Node.TEXT_NODE) {
			const t = strict ? n.data.replace(/[ \t\r\n]+/g, " ") : n.data;
			return t ? [document.createTextNode(t)] : [];
		}
		if (n.nodeType === Node.COMMENT_NODE) {
			return /^\s*page-?break\s*$/i.test(n.data) ? [make("hr", { class: "page-break" })] : [];
		}
		if (n.nodeType !== Node.ELEMENT_NODE) return [];
		let tag = n.localName;
		const style = (n.getAttribute("style") || "").toLowerCase().replace(/\s+/g, "");
		// Word's <o:p> and friends, hidden text and Word's list bullets go.
		if (DROP.has(tag) || tag.includes(":") || /display:none|mso-list:ignore/.test(style)) return [];
		if (tag === "br") return n.classList.contains("Apple-interchange-newline") ? [] : [make("br")];
		const cls = CLASSES[tag] && n.classList.contains(CLASSES[tag]) ? CLASSES[tag] : null;
		const kids = () => cleanNodes(n, strict);

		if (strict) {
			switch (tag) {
			case "p":
				if (/mso-list:l\d/.test(style)) return [wordListItem(n, kids())];
				return [make("p", { class: cls }, kids())];
			case "h1": case "h2": case "h3": case "h4": case "h5": case "h6":
				return [make(HEADS[tag], null, kids())];
			case "b": case "strong":
				// Google Docs wraps the whole clipboard in a <b> that is not bold.
				if (/font-weight:(normal|[1-4]00)/.test(style) || n.id.startsWith("docs-internal-guid")) return kids();
				return [make("strong", null, kids())];
			case "i": case "em":
				return /font-style:normal/.test(style) ? kids() : [make("em", null, kids())];
			case "a": {
				const href = safeURL(n.getAttribute("href"), true);
				return href ? [make("a", { href: href }, kids())] : kids();
			}
			case "ul": case "ol": case "li": case "blockquote":
				return [make(tag, null, kids())];
			case "hr":
				return cls ? [make("hr", { class: cls })] : [];
			case "img":
				return []; // photos come from the library, not from other sites
			case "table":
				return pastedTable(n, strict);
			case "figure":
				if (cls) {
					const fig = pastedPhoto(n);
					if (fig) return [fig];
				}
				return [make("div", null, kids())];
			}
			if (BLOCKISH.has(tag)) return [make("div", null, kids())];
			// span, font, u, …: only bold and italic survive, from the style.
			let out = kids();
			if (/font-style:italic/.test(style)) out = [make("em", null, out)];
			if (/font-weight:(bold|bolder|[6-9]00)/.test(style)) out = [make("strong", null, out)];
			return out;
		}

		if (tag === "b") tag = "strong";
		else if (tag === "i") tag = "em";
		else if (tag === "h1") tag = "h2";
		switch (tag) {
		case "a": {
			const href = safeURL(n.getAttribute("href"));
			return href ? [make("a", { href: href }, kids())] : kids();
		}
		case "img": {
			const src = safeURL(n.getAttribute("src"));
			return src ? [make("img", { src: src, alt: n.getAttribute("alt") || "", width: dim(n.getAttribute("width")), height: dim(n.getAttribute("height")) })] : [];
		}
		case "span":
			return cls ? [make("span", { class: cls }, kids())] : kids();
		case "abbr":
			return [make("abbr", { title: n.getAttribute("title") }, kids())];
		case "td": case "th":
			return [make(tag, { colspan: dim(n.getAttribute("colspan")), rowspan: dim(n.getAttribute("rowspan")) }, kids())];
		}
		if (KEEP.has(tag)) return [make(tag, { class: cls }, kids())];
		if (BLOCKISH.has(tag)) return [make("div", null, kids())];
		return kids();
	}

	// wordListItem turns one of Word's list paragraphs into a list item; its
	// bullet or number, kept apart in a mso-list:Ignore span, tells the kind.
	function wordListItem(p, kids) {
		const mark = p.querySelector('[style*="mso-list:ignore" i], [style*="mso-list: ignore" i]');
		const li = make("li", null, kids);
		li._ordered = !!mark && /^\s*\(?[0-9a-z]{1,4}[.)]/i.test(mark.textContent);
		li._list = (p.getAttribute("style").match(/mso-list:\s*(l\d+)/i) || [])[1] + li._ordered;
		return li;
	}

	// pastedTable keeps a pasted table's rows and cells, each cell's text on
	// one line (its blocks joined by line breaks). A table of one column is
	// a layout (Word's and web pages' boxes): its cells' blocks are kept.
	// Where the body takes no tables, each row becomes a paragraph of its
	// cells, separated by dashes.
	function pastedTable(table, rules) {
		const rows = [...table.rows];
		const cell = (c) => toInline(make("div", null, toBlocks(cleanNodes(c, rules))));
		if (rows.every((tr) => tr.cells.length <= 1)) {
			return rows.map((tr) => make("div", null, tr.cells.length ? cleanNodes(tr.cells[0], rules) : []));
		}
		if (!rules.tables) {
			rules.flattened = true;
			return rows.map((tr) => {
				const parts = [];
				for (const c of tr.cells) {
					const text = cell(c);
					if (!text.some(hasContent)) continue;
					if (parts.length) parts.push(" – ");
					parts.push(...text);
				}
				return make("p", null, parts);
			});
		}
		const span = (n) => (n > 1 ? String(n) : null);
		const row = (tr) => make("tr", null, [...tr.cells].map((c) => make(c.localName, { colspan: span(c.colSpan), rowspan: span(c.rowSpan) }, cell(c))));
		const head = table.tHead ? [...table.tHead.rows] : [];
		const body = rows.filter((tr) => !head.includes(tr));
		return [make("table", null, [
			table.caption && hasContent(table.caption) ? make("caption", null, cell(table.caption)) : null,
			head.length ? make("thead", null, head.map(row)) : null,
			make("tbody", null, body.map(row)),
		])];
	}

	// Bullets typed as text: a list item that starts with one loses it (web
	// pages that draw their own bullets), and paragraphs that start with one
	// become a list.
	const BULLET = /^\s*[\u2022\u00b7\u25aa\u25e6\u2023\u2043\u25cf\u25cb\u25a0\u25a1]/;

	function typedBullets(blocks) {
		const out = [];
		for (const b of blocks) {
			b.querySelectorAll("li").forEach(dropBullet);
			if (b.localName !== "p" || b.className || !BULLET.test(b.textContent)) {
				out.push(b);
				continue;
			}
			dropBullet(b);
			let list = out[out.length - 1];
			if (!list || list.localName !== "ul") out.push((list = make("ul")));
			list.append(make("li", null, [...b.childNodes]));
		}
		return out;
	}

	// dropBullet takes the bullet, and the space around it, off the start of
	// e's text.
	function dropBullet(e) {
		if (!BULLET.test(e.textContent)) return;
		const walk = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
		let gone = false;
		for (let n; (n = walk.nextNode());) {
			let t = n.data.replace(/^\s+/, "");
			if (!gone && t) {
				t = t.slice(1).replace(/^\s+/, "");
				gone = true;
			}
			n.data = t;
			if (t) return;
		}
	}

	// pastedPhoto keeps an inline photo copied from a story on this site.
	function pastedPhoto(fig) {
		const img = fig.querySelector("img");
		const src = img && safeURL(img.getAttribute("src"), true);
		if (!src || !src.startsWith("/")) return null;
		const cap = fig.querySelector("figcaption");
		let caption = "", credit = "";
		if (cap) {
			const c = cap.cloneNode(true), cr = c.querySelector(".credit");
			if (cr) {
				credit = cr.textContent.replace(/^\s*Photo:\s*/i, "").trim();
				cr.remove();
			}
			caption = c.textContent.replace(/\s+/g, " ").trim();
		}
		return photoFigure({ full: src, caption: caption || img.getAttribute("alt") || "", credit: credit, width: img.getAttribute("width"), height: img.getAttribute("height") });
	}

	function hasContent(n) {
		return /[^\s\u200b]/.test(n.textContent) || (n.nodeType === Node.ELEMENT_NODE && !!n.querySelector("img, hr"));
	}

	function isInline(n) {
		return n.nodeType === Node.TEXT_NODE || INLINE.has(n.localName);
	}

	// toBlocks turns cleaned nodes into a list of blocks: runs of text and
	// inline elements become paragraphs, divs are unwrapped, a paragraph that
	// holds a block is split around it, and loose list items make a list.
	function toBlocks(nodes, para) {
		para = para || (() => make("p"));
		const out = [];
		let run = null;
		const flush = () => {
			if (run && hasContent(run)) out.push(run);
			run = null;
		};
		for (const n of nodes) {
			if (isInline(n)) {
				run = run || para();
				run.append(n);
				continue;
			}
			flush();
			const tag = n.localName;
			if (tag === "div") {
				out.push(...toBlocks([...n.childNodes]));
			} else if (TEXT_BLOCKS.has(tag)) {
				out.push(...toBlocks([...n.childNodes], () => n.cloneNode(false)));
			} else if (tag === "blockquote") {
				const q = make("blockquote", null, toBlocks([...n.childNodes]));
				out.push(q);
			} else if (tag === "ul" || tag === "ol") {
				out.push(toList(n));
			} else if (tag === "li") {
				let list = out[out.length - 1];
				if (!list || list._list !== n._list) {
					list = make(n._ordered ? "ol" : "ul");
					list._list = n._list;
					out.push(list);
				}
				list.append(toItem(n));
			} else {
				out.push(n); // figure, hr, table, pre
			}
		}
		flush();
		return out;
	}

	function toList(n) {
		const list = n.cloneNode(false);
		for (const c of [...n.childNodes]) {
			if (c.localName === "li") {
				list.append(toItem(c));
			} else if (c.localName === "ul" || c.localName === "ol") {
				(list.lastElementChild || list.appendChild(make("li"))).append(toList(c));
			} else if (hasContent(c)) {
				list.append(make("li", null, toInline(c)));
			}
		}
		return list;
	}

	function toItem(n) {
		const li = make("li");
		for (const c of [...n.childNodes]) {
			if (c.localName === "ul" || c.localName === "ol") {
				li.append(toList(c));
			} else if (isInline(c)) {
				li.append(c);
			} else {
				const part = toInline(c);
				if (part.length && hasContent(li)) li.append(make("br"));
				li.append(...part);
			}
		}
		return li;
	}

	// toInline flattens a block into inline nodes, with a line break between
	// the blocks it held.
	function toInline(n) {
		if (isInline(n)) return [n];
		const out = [];
		for (const c of [...n.childNodes]) {
			const part = toInline(c);
			if (!isInline(c) && out.length && part.length) out.push(make("br"));
			out.push(...part);
		}
		return out;
	}

	// tidy drops empty paragraphs and formatting, merges neighbours such as
	// <strong>a</strong><strong>b</strong> and trims space and line breaks at
	// the ends of blocks.
	function tidy(blocks) {
		const box = make("div", null, blocks);
		box.querySelectorAll("strong strong, em em, a a").forEach((e) => e.replaceWith(...e.childNodes));
		for (const e of [...box.querySelectorAll("strong, em, a, u, s, sub, sup, code, cite, q, abbr, span")].reverse()) {
			if (!hasContent(e) && !e.querySelector("img, br")) e.remove();
		}
		for (const e of box.querySelectorAll("strong, em")) {
			const prev = e.previousSibling;
			if (prev && prev.nodeName === e.nodeName) {
				prev.append(...e.childNodes);
				e.remove();
			}
		}
		for (const e of box.querySelectorAll("p, h2, h3, h4, h5, h6, li, figcaption, td, th, caption")) trimEdges(e);
		for (const e of [...box.querySelectorAll("p, h2, h3, h4, h5, h6, li, blockquote, ul, ol")].reverse()) {
			if (!hasContent(e)) e.remove();
		}
		return [...box.children];
	}

	function trimEdges(e) {
		for (const first of [true, false]) {
			let n;
			while ((n = first ? e.firstChild : e.lastChild)) {
				if (n.localName === "br") {
					n.remove();
					continue;
				}
				if (n.nodeType !== Node.TEXT_NODE) break;
				const t = first ? n.data.replace(/^\s+/, "") : n.data.replace(/\s+$/, "");
				if (t) {
					n.data = t;
					break;
				}
				n.remove();
			}
		}
	}

	// fromHTML cleans an HTML string: loose when rules is false, else as a
	// paste with those rules. DOMParser builds an inert document: no script
	// runs and no image loads while it is read.
	function fromHTML(html, rules) {
		const doc = new DOMParser().parseFromString("<!doctype html><body>" + html, "text/html");
		const blocks = toBlocks(cleanNodes(doc.body, rules));
		return tidy(rules ? typedBullets(blocks) : blocks);
	}

	// fromText splits plain text into paragraphs as the server does: blank
	// lines separate paragraphs, or single line breaks when there are none.
	function fromText(text) {
		const t = String(text || "").replace(/\r\n?/g, "\n").trim();
		const sep = /\n[ \t]*\n/.test(t) ? /\n[ \t]*\n\s*/ : /\n/;
		return t.split(sep).map((s) => s.replace(/\s+/g, " ").trim()).filter(Boolean).map((s) => make("p", null, [s]));
	}

	// fromClipboard cleans what is pasted or dropped: its HTML, or its plain
	// text when there is no HTML or nothing of it is left. rules are the
	// paste's (see cleanNode).
	function fromClipboard(dt, rules) {
		const html = dt.getData("text/html");
		const blocks = html ? fromHTML(html, rules) : [];
		return blocks.length ? blocks : fromText(dt.getData("text/plain"));
	}

	// The editor.

	let syncBody = function () {};
	const textarea = form.querySelector("textarea.body-source");
	if (textarea) syncBody = setupEditor(textarea);

	// setupEditor replaces the textarea with the editor and returns the
	// function that writes the editor's HTML back into it.
	function setupEditor(textarea) {
		const label = textarea.id && form.querySelector('label[for="' + CSS.escape(textarea.id) + '"]');
		if (label && !label.id) label.id = textarea.id + "-label";
		const area = make("div", {
			id: (textarea.id || "body") + "-editor",
			class: "editor-area",
			contenteditable: "true",
			role: "textbox",
			"aria-multiline": "true",
			"aria-labelledby": label ? label.id : null,
			"aria-label": label ? null : "Story",
			spellcheck: "true",
		});
		const mod = /Mac|iPhone|iPad/.test(navigator.platform) ? "⌘" : "Ctrl+";
		const tool = (name, text, title, opts) => {
			opts = opts || {};
			return make("button", {
				type: "button",
				class: "tool tool-" + name,
				"data-tool": name,
				"aria-label": opts.label,
				"aria-pressed": opts.pressed ? "false" : null,
				"aria-keyshortcuts": opts.key ? "Control+" + opts.key + " Meta+" + opts.key : null,
				title: title + (opts.key ? " (" + mod + opts.key + ")" : ""),
			}, [text]);
		};
		const group = (kids) => make("div", { class: "tool-group" }, kids);
		const toolbar = make("div", { class: "editor-toolbar", role: "toolbar", "aria-label": "Story formatting", "aria-controls": area.id }, [
			group([
				tool("bold", "B", "Bold", { label: "Bold", pressed: true, key: "B" }),
				tool("italic", "I", "Italic", { label: "Italic", pressed: true, key: "I" }),
				tool("link", "Link", "Link", { pressed: true, key: "K" }),
				tool("unlink", "Unlink", "Remove link"),
			]),
			group([
				tool("h2", "Subhead", "Subhead", { pressed: true }),
				tool("quote", "Quote", "Quote", { pressed: true }),
				tool("ul", "• List", "Bulleted list", { label: "Bulleted list", pressed: true }),
				tool("ol", "1. List", "Numbered list", { label: "1. List (numbered)", pressed: true }),
			]),
			group([
				tool("photo", "Photo", "Insert a photo from the library"),
				tool("readalso", "Read also", "Insert a link to another story"),
				tool("pagebreak", "Page break", "Start a new page here"),
			]),
			group([
				tool("undo", "↶", "Undo", { label: "Undo" }),
				tool("redo", "↷", "Redo", { label: "Redo" }),
				tool("clear", "Clear", "Clear formatting", { label: "Clear formatting" }),
			]),
		]);
		const buttons = [...toolbar.querySelectorAll("button")];
		buttons.forEach((b, i) => { b.tabIndex = i ? -1 : 0; });

		area.append(...lock(fromHTML(textarea.value, false)));
		if (!area.firstChild) area.append(make("p", null, [make("br")]));
		textarea.hidden = true;
		const notice = make("p", { class: "editor-notice", role: "status" });
		textarea.after(make("div", { class: "editor" }, [toolbar, notice, area]));
		if (label) label.addEventListener("click", (e) => { e.preventDefault(); area.focus(); });
		document.execCommand("defaultParagraphSeparator", false, "p");
		document.execCommand("styleWithCSS", false, false);

		// The selection is kept while the person is in a dialog or on the
		// toolbar, and put back before a command runs.
		let saved = null, edited = false, dragging = false;
		const liveRange = () => {
			const s = getSelection();
			return s.rangeCount && area.contains(s.getRangeAt(0).commonAncestorContainer) ? s.getRangeAt(0) : null;
		};
		const range = () => liveRange() || saved;
		function restore(r) {
			r = r || saved;
			if (document.activeElement === area && liveRange()) return;
			area.focus({ preventScroll: true });
			const s = getSelection();
			s.removeAllRanges();
			if (r && area.contains(r.startContainer)) {
				s.addRange(r);
			} else {
				const end = document.createRange();
				end.selectNodeContents(area.lastElementChild || area);
				end.collapse(false);
				s.addRange(end);
			}
		}
		function inside(sel) {
			const r = range();
			let n = r && r.startContainer;
			if (n && n.nodeType !== Node.ELEMENT_NODE) n = n.parentNode;
			const e = n && n.closest(sel);
			return e && e !== area && area.contains(e) ? e : null;
		}
		const exec = (cmd, value) => document.execCommand(cmd, false, value == null ? null : value);

		// insert puts blocks in at the caret as one undoable step. Photos,
		// read-also links and page breaks cannot be typed into, so a
		// paragraph follows one at the end of the story to carry on writing.
		function insert(nodes) {
			nodes = nodes.filter(Boolean);
			if (!nodes.length) return;
			lock(nodes);
			const r = range();
			let block = r && r.startContainer;
			while (block && block.parentNode !== area) block = block.parentNode;
			let html = nodes.map((n) => n.outerHTML).join("");
			if (nodes[nodes.length - 1].matches("figure, p.read-also, hr") && !(block && block.nextElementSibling)) html += "<p><br></p>";
			exec("insertHTML", html);
		}

		// takePaste cleans a paste or drop under the body's rules (data-tables
		// on the textarea: the body takes tables), and says what it changed.
		function takePaste(dt) {
			const rules = { tables: "tables" in textarea.dataset, flattened: false };
			const blocks = fromClipboard(dt, rules);
			notice.textContent = rules.flattened ? "This story takes no tables: each row of the pasted table is a paragraph, its cells separated by dashes." : "";
			return blocks;
		}

		// uploadInto uploads files one by one and puts each photo in the
		// story at the caret.
		async function uploadInto(files) {
			const r = range() && range().cloneRange();
			for (const [i, file] of files.entries()) {
				const p = await uploadPhoto(file, "Upload and insert");
				restore(i ? null : r);
				if (!p) return;
				insert([photoFigure(p)]);
			}
		}

		function insertPasted(blocks) {
			if (!blocks.length) return;
			// One plain paragraph goes into the current one.
			if (blocks.length === 1 && blocks[0].localName === "p" && !blocks[0].className) {
				exec("insertHTML", blocks[0].innerHTML);
			} else {
				insert(blocks);
			}
		}

		const PRESSED = { link: "a", h2: "h2", quote: "blockquote" };
		function updateState() {
			for (const b of toolbar.querySelectorAll("[aria-pressed]")) {
				const t = b.dataset.tool;
				let on;
				if (t === "bold" || t === "italic") on = document.queryCommandState(t);
				else if (t === "ul" || t === "ol") on = (inside("ul, ol") || {}).localName === t;
				else on = !!inside(PRESSED[t]);
				b.setAttribute("aria-pressed", on ? "true" : "false");
			}
		}

		async function linkTool() {
			const a = inside("a");
			const r = range() && range().cloneRange();
			const url = await askLink(a ? a.getAttribute("href") : "");
			restore(r);
			if (!url) return;
			if (a) {
				const s = getSelection();
				s.selectAllChildren(a);
			}
			if (!a && (!r || r.collapsed)) exec("insertHTML", make("a", { href: url }, [url]).outerHTML);
			else exec("createLink", url);
		}

		async function pickAndInsert(kind) {
			const r = range() && range().cloneRange();
			const item = await pick(kind);
			restore(r);
			if (item) insert([kind === "photo" ? photoFigure(item) : readAlso(item)]);
		}

		function run(name) {
			if (name === "link") return linkTool();
			if (name === "photo" || name === "readalso") return pickAndInsert(name === "photo" ? "photo" : "article");
			restore();
			switch (name) {
			case "bold": case "italic": case "undo": case "redo":
				exec(name);
				break;
			case "unlink": {
				const a = inside("a");
				if (a) getSelection().selectAllChildren(a);
				exec("unlink");
				break;
			}
			case "h2":
				exec("formatBlock", inside("h2") ? "<p>" : "<h2>");
				break;
			case "quote": {
				// A quote made here holds its text directly; one that holds
				// paragraphs is taken apart by outdent.
				const q = inside("blockquote"), block = inside("p, h2, h3, li");
				if (!q) exec("formatBlock", "<blockquote>");
				else if (block && q.contains(block)) exec("outdent");
				else exec("formatBlock", "<p>");
				break;
			}
			case "ul":
				exec("insertUnorderedList");
				break;
			case "ol":
				exec("insertOrderedList");
				break;
			case "pagebreak":
				insert([make("hr", { class: "page-break" })]);
				break;
			case "clear":
				exec("removeFormat");
				if (inside("h2, h3, h4")) exec("formatBlock", "<p>");
				break;
			}
			updateState();
		}

		toolbar.addEventListener("mousedown", (e) => {
			if (e.target.closest("button")) e.preventDefault(); // keep the caret in the story
		});
		toolbar.addEventListener("click", (e) => {
			const b = e.target.closest("button[data-tool]");
			if (b) run(b.dataset.tool);
		});
		// One tab stop for the toolbar; arrow keys move along it.
		toolbar.addEventListener("keydown", (e) => {
			const i = buttons.indexOf(document.activeElement);
			let j = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: buttons.length - 1 }[e.key];
			if (i < 0 || j === undefined) return;
			e.preventDefault();
			j = (j + buttons.length) % buttons.length;
			buttons[j].focus();
		});
		toolbar.addEventListener("focusin", (e) => {
			if (buttons.includes(e.target)) buttons.forEach((b) => { b.tabIndex = b === e.target ? 0 : -1; });
		});

		area.addEventListener("keydown", (e) => {
			if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey) {
				const t = { b: "bold", i: "italic", k: "link" }[e.key.toLowerCase()];
				if (t) {
					e.preventDefault();
					run(t);
				}
			} else if (e.altKey && e.key === "F10") {
				e.preventDefault();
				toolbar.querySelector('[tabindex="0"]').focus();
			}
		});
		document.addEventListener("selectionchange", () => {
			const r = liveRange();
			if (!r) return;
			saved = r.cloneRange();
			updateState();
		});
		area.addEventListener("input", () => {
			edited = true;
			sync();
		});
		area.addEventListener("paste", (e) => {
			const dt = e.clipboardData;
			if (!dt) return;
			e.preventDefault();
			// An image with no text is a photo for the library (a screenshot,
			// an image copied from a page); text pastes as text.
			const images = [...dt.files].filter((f) => f.type.startsWith("image/"));
			if (images.length && !dt.getData("text/plain").trim()) return uploadInto(images);
			insertPasted(takePaste(dt));
		});
		area.addEventListener("dragstart", () => { dragging = true; });
		area.addEventListener("dragend", () => { dragging = false; });
		area.addEventListener("drop", (e) => {
			if (dragging) return; // moving text within the story
			e.preventDefault();
			const files = [...e.dataTransfer.files];
			const blocks = files.length ? [] : takePaste(e.dataTransfer);
			if (!files.length && !blocks.length) return;
			const r = caretAt(e.clientX, e.clientY);
			area.focus();
			if (r) {
				getSelection().removeAllRanges();
				getSelection().addRange(r);
			}
			if (files.length) uploadInto(files);
			else insertPasted(blocks);
		});

		function sync() {
			if (!edited) return; // an untouched story is sent as it came
			const blocks = fromNodes(area);
			textarea.value = blocks.map((b) => b.outerHTML).join("\n");
		}
		return sync;
	}

	function fromNodes(root) {
		return tidy(toBlocks(cleanNodes(root, false)));
	}

	// lock makes photos and read-also links single pieces in the editor, so
	// typing cannot end up in them; the attribute is not saved.
	function lock(nodes) {
		for (const n of nodes) {
			if (n.matches && n.matches("figure, p.read-also")) n.setAttribute("contenteditable", "false");
			if (n.querySelectorAll) n.querySelectorAll("figure, p.read-also").forEach((e) => e.setAttribute("contenteditable", "false"));
		}
		return nodes;
	}

	function caretAt(x, y) {
		if (document.caretPositionFromPoint) {
			const p = document.caretPositionFromPoint(x, y);
			if (!p) return null;
			const r = document.createRange();
			r.setStart(p.offsetNode, p.offset);
			return r;
		}
		return document.caretRangeFromPoint ? document.caretRangeFromPoint(x, y) : null;
	}

	// The dialog: one <dialog>, reused by the pickers and the link form.
	// showModal traps focus and Esc closes it; the promise gets the chosen
	// value, or null.

	let dialog, dialogTitle, dialogBody, dialogDone = null;

	function finish(value) {
		const done = dialogDone;
		dialogDone = null;
		if (done) done(value);
	}

	function openDialog(title, content, focus) {
		finish(null);
		showInDialog(title, content, focus);
		return new Promise((resolve) => { dialogDone = resolve; });
	}

	// showInDialog puts content in the dialog, opening it if it is closed;
	// whoever waits for the dialog keeps waiting.
	function showInDialog(title, content, focus) {
		if (!dialog) {
			dialogTitle = make("h2", { id: "editor-dialog-title" });
			const close = make("button", { type: "button", class: "dialog-close", "aria-label": "Close" }, ["×"]);
			dialogBody = make("div", { class: "dialog-body" });
			dialog = make("dialog", { class: "editor-dialog", "aria-labelledby": dialogTitle.id }, [
				make("div", { class: "dialog-head" }, [dialogTitle, close]),
				dialogBody,
			]);
			close.addEventListener("click", () => closeDialog(null));
			dialog.addEventListener("click", (e) => {
				const r = dialog.getBoundingClientRect();
				if (e.target === dialog && (e.clientX < r.left || e.clientX > r.right || e.clientY < r.top || e.clientY > r.bottom)) closeDialog(null);
			});
			// Esc, or any other way it closes.
			dialog.addEventListener("close", () => {
				if (dialog.open) return; // opened again meanwhile
				finish(null);
				dialogBody.replaceChildren();
			});
			document.body.append(dialog);
		}
		dialogTitle.textContent = title;
		dialogBody.replaceChildren(...content);
		dialog.classList.toggle("dialog-wide", content.some((c) => c.classList && c.classList.contains("picker-grid")));
		if (!dialog.open) dialog.showModal();
		if (focus) focus.focus();
	}

	function closeDialog(value) {
		finish(value);
		dialog.close();
	}

	// askLink asks for a link address; it resolves to a safe address or null.
	function askLink(current) {
		const input = make("input", { id: "link-url", type: "text", inputmode: "url", autocomplete: "off", spellcheck: "false", "aria-describedby": "link-hint link-error" });
		input.value = current || "";
		const error = make("p", { id: "link-error", class: "dialog-error", role: "alert" });
		const cancel = make("button", { type: "button", class: "dialog-button" }, ["Cancel"]);
		const f = make("form", { class: "dialog-form", novalidate: "" }, [
			make("label", { for: "link-url" }, ["Address"]),
			input,
			make("p", { id: "link-hint", class: "dialog-hint" }, ["https://…, http://… or a page on this site starting with /"]),
			error,
			make("div", { class: "dialog-actions" }, [cancel, make("button", { type: "submit", class: "dialog-button dialog-primary" }, ["Apply"])]),
		]);
		cancel.addEventListener("click", () => closeDialog(null));
		f.addEventListener("submit", (e) => {
			e.preventDefault();
			const url = safeURL(input.value);
			if (url) return closeDialog(url);
			error.textContent = "Use an address that starts with https://, http:// or /.";
			input.setAttribute("aria-invalid", "true");
			input.focus();
		});
		const done = openDialog(current ? "Edit link" : "Add a link", [f], input);
		input.select();
		return done;
	}

	// pick lets the person choose a photo ("photo") or a story ("article")
	// by searching; it resolves to the API's object or null.
	function pick(kind) {
		const photos = kind === "photo";
		const input = make("input", { id: "picker-q", type: "search", autocomplete: "off", spellcheck: "false" });
		const status = make("p", { class: "picker-status", role: "status" });
		const list = make("ul", { class: photos ? "picker-grid" : "picker-list" });
		let seq = 0, ctrl = null;
		async function search() {
			const n = ++seq;
			if (ctrl) ctrl.abort();
			ctrl = new AbortController();
			status.textContent = "Searching…";
			try {
				const items = await getJSON(API + (photos ? "photos" : "articles") + "?q=" + encodeURIComponent(input.value.trim()), ctrl.signal);
				if (n !== seq) return;
				list.replaceChildren(...(items || []).map((it) => {
					const b = photos ? photoButton(it) : storyButton(it);
					b._item = it;
					return make("li", null, [b]);
				}));
				const count = list.children.length;
				const noun = photos ? (count === 1 ? "photo" : "photos") : (count === 1 ? "story" : "stories");
				status.textContent = count ? count + " " + noun : "Nothing found.";
			} catch (err) {
				if (n === seq && err.name !== "AbortError") status.textContent = "Could not search: " + fail(err);
			}
		}
		input.addEventListener("input", debounce(search, 250));
		input.addEventListener("keydown", (e) => {
			if (e.key === "Enter") {
				e.preventDefault();
				search();
			} else if (e.key === "ArrowDown" && list.querySelector("button")) {
				e.preventDefault();
				list.querySelector("button").focus();
			}
		});
		list.addEventListener("click", (e) => {
			const b = e.target.closest("button");
			if (b) closeDialog(b._item);
		});
		list.addEventListener("keydown", (e) => {
			const all = [...list.querySelectorAll("button")], i = all.indexOf(document.activeElement);
			const step = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 }[e.key];
			if (i < 0 || !step) return;
			e.preventDefault();
			if (i + step < 0) input.focus();
			else all[Math.min(i + step, all.length - 1)].focus();
		});
		search();
		let upload = null;
		if (photos) {
			const file = make("input", { id: "picker-file", type: "file", accept: IMAGE_TYPES, class: "visually-hidden" });
			file.addEventListener("change", () => {
				if (file.files[0]) showUpload(file.files[0], "Upload and use");
			});
			upload = make("p", { class: "picker-upload" }, [make("label", { for: "picker-file", class: "dialog-button" }, ["Upload a new photo…"]), file]);
		}
		return openDialog(photos ? "Choose a photo" : "Choose a story", [
			upload,
			make("div", { class: "picker-search", role: "search" }, [
				make("label", { for: "picker-q" }, [photos ? "Search the photo library" : "Search stories"]),
				input,
			]),
			status,
			list,
		].filter(Boolean), input);
	}

	// Uploads from the editor: a photo dropped or pasted into the story, or
	// picked for the main photo or in the photo picker, goes to the library
	// with the caption and credit typed beside its preview, and then into
	// the story.

	const IMAGE_TYPES = "image/jpeg,image/png,image/webp";

	// uploadPhoto resolves to the library's photo made from file, or null
	// when the person gives up; typed fills the caption and credit.
	function uploadPhoto(file, verb, typed) {
		finish(null);
		showUpload(file, verb, typed);
		return new Promise((resolve) => { dialogDone = resolve; });
	}

	// showUpload shows the upload form in the dialog, for whoever waits on
	// it. A refused file leaves the form as it was, with the server's words;
	// another file can be chosen there.
	function showUpload(file, verb, typed) {
		typed = typed || {};
		const chooser = make("input", { id: "upload-file", type: "file", accept: IMAGE_TYPES });
		const preview = make("img", { class: "upload-preview", alt: "", hidden: "" });
		const name = make("p", { class: "dialog-hint" });
		const caption = make("input", { id: "upload-caption", maxlength: "1000", autocomplete: "off" });
		const credit = make("input", { id: "upload-credit", maxlength: "200", autocomplete: "off", placeholder: "Anna Petrova / DATELINE" });
		caption.value = typed.caption || "";
		credit.value = typed.credit || "";
		const progress = make("progress", { max: "100", value: "0", hidden: "", "aria-label": "Uploaded" });
		const status = make("p", { class: "dialog-hint", role: "status" });
		const error = make("p", { id: "upload-error", class: "dialog-error", role: "alert" });
		const cancel = make("button", { type: "button", class: "dialog-button" }, ["Cancel"]);
		const submit = make("button", { type: "submit", class: "dialog-button dialog-primary" }, [verb]);
		const f = make("form", { class: "dialog-form upload-form", novalidate: "" }, [
			preview, name,
			make("label", { for: "upload-file" }, ["Another file"]), chooser,
			make("label", { for: "upload-caption" }, ["Caption"]), caption,
			make("label", { for: "upload-credit" }, ["Credit"]), credit,
			progress, status, error,
			make("div", { class: "dialog-actions" }, [cancel, submit]),
		]);
		function use(fl) {
			file = fl;
			name.textContent = (fl.name || "Pasted image") + ", " + (fl.size >= 1 << 20 ? (fl.size / (1 << 20)).toFixed(1) + " MB" : Math.ceil(fl.size / 1024) + " KB");
			error.textContent = "";
			preview.hidden = true;
			if (!fl.type.startsWith("image/") || fl.size > 8 << 20) return;
			const read = new FileReader(); // a data: address, which the page's policy allows
			read.onload = () => {
				if (file !== fl) return;
				preview.src = read.result;
				preview.hidden = false;
			};
			read.readAsDataURL(fl);
		}
		use(file);
		chooser.addEventListener("change", () => { if (chooser.files[0]) use(chooser.files[0]); });
		cancel.addEventListener("click", () => closeDialog(null));
		f.addEventListener("submit", async (e) => {
			e.preventDefault();
			submit.disabled = true;
			error.textContent = "";
			progress.hidden = false;
			progress.value = 0;
			status.textContent = "Uploading…";
			try {
				const p = await sendPhoto(file, caption.value.trim(), credit.value.trim(), (share) => {
					progress.value = Math.round(share * 100);
					status.textContent = share < 1 ? "Uploading… " + progress.value + "%" : "Making the sizes for phones…";
				});
				closeDialog(p);
			} catch (err) {
				status.textContent = "";
				progress.hidden = true;
				error.textContent = "Not uploaded: " + fail(err);
				submit.disabled = false;
			}
		});
		showInDialog("Upload a photo", [f], caption);
	}

	// sendPhoto posts the file to the library; progress gets the share sent.
	// It resolves to the photo as the picker's API gives it, or rejects with
	// the server's words (a TypeError when there is no answer).
	function sendPhoto(file, caption, credit, progress) {
		return new Promise((resolve, reject) => {
			const x = new XMLHttpRequest();
			x.open("POST", "/newsroom/photos");
			x.setRequestHeader("Accept", "application/json");
			x.setRequestHeader("X-CSRF-Token", csrf);
			x.responseType = "json";
			x.upload.addEventListener("progress", (e) => { if (e.lengthComputable) progress(e.loaded / e.total); });
			x.addEventListener("load", () => {
				const d = x.response;
				if (x.status === 201 && d && d.id) return resolve(d);
				reject(new Error((d && d.error && d.error.message) || "the server answered " + x.status));
			});
			x.addEventListener("error", () => reject(new TypeError("no answer")));
			const body = new FormData();
			body.append("photo", file, file.name || "pasted-image");
			body.append("caption", caption);
			body.append("credit", credit);
			x.send(body);
		});
	}

	function photoButton(p) {
		const src = safeURL(p.src);
		return make("button", { type: "button", class: "picker-photo" }, [
			src ? make("img", { src: src, alt: "", loading: "lazy", width: dim(p.width) ? "320" : null, height: dim(p.width) && dim(p.height) ? String(Math.round(320 * p.height / p.width)) : null }) : null,
			make("span", { class: "picker-caption" }, [p.caption || "No caption"]),
			p.credit ? make("span", { class: "picker-credit" }, [p.credit]) : null,
		]);
	}

	function storyButton(a) {
		const meta = [a.section, a.status && a.status !== "published" ? a.status : null, a.published].filter(Boolean).join(" · ");
		return make("button", { type: "button", class: "picker-story" }, [
			make("span", { class: "picker-title" }, [a.headline || "(no headline)"]),
			meta ? make("span", { class: "picker-meta" }, [meta]) : null,
		]);
	}

	// The main photo and the earlier story this one follows.

	const changed = (field) => field.dispatchEvent(new Event("input", { bubbles: true }));

	// uploadMain uploads file as the main photo of the fieldset box, with the
	// caption and credit typed there so far.
	async function uploadMain(box, file) {
		const typed = {};
		for (const name of ["caption", "credit"]) {
			const f = box.querySelector('[name="' + name + '"]');
			typed[name] = f ? f.value.trim() : "";
		}
		setMainPhoto(box, await uploadPhoto(file, "Upload and use", typed));
	}

	for (const box of form.querySelectorAll("[data-main-photo]")) {
		const file = box.querySelector("input[data-upload-file]");
		if (file) {
			file.addEventListener("change", () => {
				if (file.files[0]) uploadMain(box, file.files[0]);
				file.value = "";
			});
		}
		box.addEventListener("dragover", (e) => {
			if (e.dataTransfer.types.includes("Files")) e.preventDefault();
		});
		box.addEventListener("drop", (e) => {
			if (!e.dataTransfer.files.length) return;
			e.preventDefault();
			uploadMain(box, e.dataTransfer.files[0]);
		});
	}

	form.addEventListener("click", async (e) => {
		const up = e.target.closest("[data-upload-photo]");
		if (up) {
			const file = (up.closest("[data-main-photo]") || form).querySelector("input[data-upload-file]");
			if (file) file.click();
			return;
		}
		const b = e.target.closest("[data-pick-photo], [data-clear-photo], [data-pick-follows], [data-clear-follows]");
		if (!b) return;
		if (b.matches("[data-pick-photo], [data-clear-photo]")) {
			const box = b.closest("[data-main-photo]") || form;
			setMainPhoto(box, b.matches("[data-pick-photo]") ? await pick("photo") : false);
		} else {
			const follows = form.querySelector('input[name="follows"]'), label = form.querySelector(".follows-label");
			if (!follows) return;
			const a = b.matches("[data-pick-follows]") ? await pick("article") : false;
			if (a === null) return; // the dialog was closed
			follows.value = a ? a.id : "";
			if (label) label.textContent = a ? a.headline : "None";
			changed(follows);
		}
	});

	// setMainPhoto shows the chosen photo, or clears it when p is false; null
	// (the dialog was closed) changes nothing.
	function setMainPhoto(box, p) {
		const id = box.querySelector('input[name="photo_id"]');
		if (p === null || !id) return;
		let img = box.querySelector("img.main-photo-preview");
		const fields = ["caption", "credit"].map((name) => [box.querySelector('[name="' + name + '"]'), p ? p[name] : ""]);
		if (!p) {
			id.value = "";
			if (img) img.remove();
			for (const [f] of fields) if (f) f.value = "";
		} else {
			id.value = p.id;
			const src = safeURL(p.src);
			if (src) {
				if (!img) {
					img = make("img", { class: "main-photo-preview", alt: "" });
					id.after(img);
				}
				img.src = src;
				if (dim(p.width) && dim(p.height)) {
					img.width = 320;
					img.height = Math.round(320 * p.height / p.width);
				} else {
					img.removeAttribute("width");
					img.removeAttribute("height");
				}
			}
			for (const [f, value] of fields) if (f && !f.value.trim() && value) f.value = value;
		}
		changed(id);
	}

	// Topic and person suggestions: the value is a comma-separated list, and
	// the name being typed is the last one.

	form.querySelectorAll("input[data-suggest]").forEach(suggest);

	function suggest(input) {
		const kind = input.dataset.suggest;
		const id = (input.id || input.name) + "-suggestions";
		const list = make("ul", { id: id, class: "suggest-list", role: "listbox", "aria-label": "Suggestions", hidden: "" });
		input.after(list);
		input.setAttribute("role", "combobox");
		input.setAttribute("aria-autocomplete", "list");
		input.setAttribute("aria-expanded", "false");
		input.setAttribute("aria-controls", id);
		let names = [], active = -1, seq = 0;
		const term = () => input.value.slice(input.value.lastIndexOf(",") + 1).trim();

		function close() {
			list.hidden = true;
			names = [];
			active = -1;
			input.setAttribute("aria-expanded", "false");
			input.removeAttribute("aria-activedescendant");
		}
		function show(found) {
			close();
			if (!found.length) return;
			names = found;
			list.replaceChildren(...found.map((name, i) => make("li", { id: id + "-" + i, role: "option", "aria-selected": "false" }, [name])));
			// Under the input, in the box the input itself is placed in.
			list.style.top = input.offsetTop + input.offsetHeight + "px";
			list.style.left = input.offsetLeft + "px";
			list.style.minWidth = input.offsetWidth + "px";
			list.hidden = false;
			input.setAttribute("aria-expanded", "true");
		}
		function move(step) {
			const n = names.length;
			active = active < 0 ? (step > 0 ? 0 : n - 1) : (active + step + n) % n;
			list.querySelectorAll("[role=option]").forEach((o, i) => o.setAttribute("aria-selected", i === active ? "true" : "false"));
			const o = list.children[active];
			input.setAttribute("aria-activedescendant", o.id);
			o.scrollIntoView({ block: "nearest" });
		}
		function accept(i) {
			const parts = input.value.split(",");
			parts[parts.length - 1] = names[i];
			input.value = parts.map((s) => s.trim()).filter(Boolean).join(", ") + ", ";
			close();
			changed(input);
		}
		const lookup = debounce(async () => {
			const q = term(), n = ++seq;
			if (!q) return close();
			try {
				const tags = await getJSON(API + "tags?kind=" + encodeURIComponent(kind) + "&q=" + encodeURIComponent(q));
				if (n !== seq || document.activeElement !== input) return;
				const have = new Set(input.value.split(",").slice(0, -1).map((s) => s.trim().toLowerCase()));
				show((tags || []).map((t) => t.name).filter((name) => name && !have.has(name.toLowerCase())).slice(0, 8));
			} catch (err) {
				if (n === seq) close();
			}
		}, 150);

		input.addEventListener("input", () => {
			if (term()) return lookup();
			seq++;
			close();
		});
		input.addEventListener("keydown", (e) => {
			const open = !list.hidden;
			if (e.key === "ArrowDown" || e.key === "ArrowUp") {
				e.preventDefault();
				if (open) move(e.key === "ArrowDown" ? 1 : -1);
				else if (term()) lookup();
			} else if ((e.key === "Enter" || e.key === "Tab") && open && active >= 0) {
				e.preventDefault();
				accept(active);
			} else if (e.key === "Escape" && open) {
				e.preventDefault();
				close();
			}
		});
		input.addEventListener("blur", () => {
			seq++;
			close();
		});
		list.addEventListener("mousedown", (e) => e.preventDefault()); // keep focus in the input
		list.addEventListener("click", (e) => {
			const o = e.target.closest("[role=option]");
			if (o) accept([...list.children].indexOf(o));
		});
	}

	// Autosave: 3 s after the last change the form is posted to the
	// autosave address. Changes count up; the count at the last good save
	// tells whether leaving the page would lose work.

	const status = document.getElementById("autosave-status");
	let changes = 0, savedChanges = 0, inFlight = false, timer = 0, submitting = false;

	function say(text, error) {
		if (!status) return;
		status.textContent = text;
		status.classList.toggle("is-error", !!error);
	}

	function schedule() {
		clearTimeout(timer);
		if (form.dataset.autosave && !submitting) timer = setTimeout(autosave, 3000);
	}

	async function autosave() {
		if (inFlight) return; // the next change tries again
		inFlight = true;
		const upTo = changes;
		let ok = false;
		syncBody();
		try {
			const r = await fetch(form.dataset.autosave, {
				method: "POST",
				headers: { "X-CSRF-Token": csrf, Accept: "application/json" },
				body: new FormData(form),
			});
			const data = await readJSON(r);
			ok = true;
			savedChanges = Math.max(savedChanges, upTo);
			say("Draft saved at " + ((data && data.saved_at) || new Date().toTimeString().slice(0, 5)));
		} catch (err) {
			say("Not saved: " + fail(err), true);
		}
		inFlight = false;
		if (ok && changes > upTo) schedule(); // typed while it was saving
	}

	form.addEventListener("input", () => {
		changes++;
		schedule();
	});

	form.addEventListener("submit", (e) => {
		syncBody();
		// The preview opens in another tab and this page stays.
		const target = (e.submitter && e.submitter.getAttribute("formtarget")) || form.getAttribute("target");
		if (target && target !== "_self") return;
		submitting = true;
		clearTimeout(timer);
		setTimeout(() => { if (e.defaultPrevented) submitting = false; });
	});

	window.addEventListener("pageshow", (e) => { if (e.persisted) submitting = false; });

	// Counts: the headline's characters (search results and social cards
	// show about 70), the story's words and characters.
	const headline = form.querySelector("#headline");
	const headlineCount = document.getElementById("headline-count");
	const bodyCount = document.getElementById("body-count");
	const plural = (n, one, many) => n.toLocaleString("en") + " " + (n === 1 ? one : many);
	function bodyText() {
		const area = document.getElementById("body-editor");
		if (area) return area.innerText;
		return new DOMParser().parseFromString(textarea ? textarea.value : "", "text/html").body.textContent;
	}
	function count() {
		if (headline && headlineCount) {
			const n = [...headline.value].length;
			headlineCount.textContent = plural(n, "character", "characters") + " of 300" + (n > 70 ? ": longer than search results and social cards show (about 70)" : "");
			headlineCount.classList.toggle("long", n > 70);
		}
		if (bodyCount) {
			const text = bodyText().trim();
			const words = text ? text.split(/\s+/).length : 0;
			bodyCount.textContent = plural(words, "word", "words") + ", " + plural([...text.replace(/\s+/g, " ")].length, "character", "characters");
		}
	}
	form.addEventListener("input", debounce(count, 150));
	count();

	// Ctrl+S (Cmd+S on a Mac) saves, as the Save button does.
	document.addEventListener("keydown", (e) => {
		if (!(e.ctrlKey || e.metaKey) || e.altKey || e.key.toLowerCase() !== "s") return;
		e.preventDefault();
		const save = form.querySelector('button[name="action"][value="save"]');
		if (save && !submitting) form.requestSubmit(save);
	});

	window.addEventListener("beforeunload", (e) => {
		if (submitting || changes <= savedChanges) return;
		e.preventDefault();
		e.returnValue = "";
	});
})();
