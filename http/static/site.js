// dateline: "More news" appends the next page of the feed in place. Without
// this script the link simply opens the next page.
(function () {
	"use strict";
	document.addEventListener("click", function (ev) {
		var link = ev.target.closest && ev.target.closest("a[data-more]");
		if (!link || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
		ev.preventDefault();
		link.setAttribute("aria-busy", "true");
		link.textContent = "Loading…";
		fetch(link.href, { headers: { Accept: "text/html" } })
			.then(function (r) {
				if (!r.ok) throw new Error(r.status);
				return r.text();
			})
			.then(function (html) {
				var doc = new DOMParser().parseFromString(html, "text/html");
				var feed = document.getElementById("feed");
				var next = doc.getElementById("feed");
				if (!feed || !next) throw new Error("no feed");
				var first = true;
				Array.prototype.forEach.call(next.querySelectorAll(".feed-day"), function (day) {
					var last = feed.querySelector(".feed-day:last-of-type");
					if (first && last && last.dataset.date === day.dataset.date) {
						var list = last.querySelector("ol");
						Array.prototype.forEach.call(day.querySelectorAll("ol > li"), function (li) {
							list.appendChild(document.importNode(li, true));
						});
					} else {
						feed.appendChild(document.importNode(day, true));
					}
					first = false;
				});
				var newMore = doc.querySelector("a[data-more]");
				if (newMore) {
					link.href = newMore.href;
					link.textContent = newMore.textContent;
					link.removeAttribute("aria-busy");
				} else {
					link.remove();
				}
			})
			.catch(function () {
				window.location.href = link.href;
			});
	});
})();
