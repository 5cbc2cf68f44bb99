# Writes the Superdesk HTTP push items of the replay test as Superdesk sends
# them: superdesk-core's HTTPPushService posts json.dumps(item) with
# Python's defaults (one line, ", " and ": " separators, every non-ASCII
# character escaped as \uXXXX, no trailing newline). Run: python3 make.py
import json

G1 = "urn:newsml:sd.example.org:2025-03-12T09:03:40.123456:6c1e4a0f-7a11-4c9b-9c2e-1a2b3c4d5e6f"
G2 = "urn:newsml:sd.example.org:2025-03-12T11:20:02.654321:0d9f3b7e-2c44-4a61-8f0e-9e8d7c6b5a41"
G3 = "urn:newsml:sd.example.org:2025-03-12T12:00:00.000001:3b5c7d9e-1f2a-4b3c-8d4e-5f6a7b8c9d0e"
ORIGINAL = "20250312090340/7e1180a3c5d94f0e9b7c2d1e4f6a8b3cdb31.jpg"
BASE = "20250312090340/1f2e3d4c5b6a79880796a5b4c3d2e1f0aa01.jpg"
THUMB = "67d15c2e9c1f4a0012ab34cd"
INLINE = "20250312090341/9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f.jpg"


def picture(guid, media, caption, alt, width, height):
    return {
        "guid": guid,
        "version": "2",
        "type": "picture",
        "headline": caption,
        "byline": "Anna Petrova",
        "description_text": caption,
        "body_text": alt,
        "priority": 5,
        "copyrightholder": "Example Agency",
        "renditions": {
            "original": {"href": "https://sd.example.org/api/upload-raw/" + media[0], "media": media[0], "mimetype": "image/jpeg", "width": width, "height": height, "poi": {"x": 600, "y": 400}},
            "baseImage": {"href": "https://sd.example.org/api/upload-raw/" + media[1], "media": media[1], "mimetype": "image/jpeg", "width": 1400, "height": 875},
            "thumbnail": {"href": "https://sd.example.org/api/upload-raw/" + media[2] + ".jpg", "media": media[2], "mimetype": "image/jpeg", "width": 192, "height": 120},
        },
    }


def story(guid, version, headline, body, **kw):
    item = {
        "guid": guid,
        "version": version,
        "type": "text",
        "pubstatus": "usable",
        "versioncreated": kw.pop("versioncreated"),
        "firstcreated": "2025-03-12T09:03:40+0000",
        "firstpublished": kw.pop("firstpublished", "2025-03-12T09:10:00+0000"),
        "headline": headline,
        "slugline": "zurich-talks",
        "byline": "Ivan Smirnov",
        "authors": [{"code": "5a7b", "name": "Ivan Smirnov", "role": "writer", "biography": ""}],
        "located": "Z\u00fcrich",
        "language": "en",
        "priority": 5,
        "urgency": 3,
        "service": [{"code": "i", "name": "International News"}],
        "subject": [{"code": "11000000", "name": "politics"}, {"code": "cl1", "name": "Climate", "scheme": "topics"}],
        "place": [{"code": "CH", "name": "Switzerland"}],
        "description_text": "Ministers from five countries met in Z\u00fcrich.",
        "description_html": "<p>Ministers from five countries met in Z\u00fcrich.</p>",
        "body_html": body,
        "wordcount": 40,
        "charcount": 240,
        "readtime": 0,
        "copyrightholder": "Example Agency",
        "usageterms": "",
        "keywords": ["talks"],
        "associations": {
            "featuremedia": picture("tag:sd.example.org:2025:aa11", [ORIGINAL, BASE, THUMB], "Delegates arrive at the talks in Z\u00fcrich.", "Delegates walk into a hall", 1600, 1000),
            "editor_0": picture("tag:sd.example.org:2025:bb22", [INLINE, BASE, THUMB], "The conference hall \u00abPlenum\u00bb.", "A conference hall", 1600, 1000),
        },
    }
    item.update(kw)
    return item


BODY = ("<p>Ministers from five countries met in Z\u00fcrich on Wednesday to talk about the river treaty.</p>"
        "<!-- EMBED START Image {id: \"editor_0\"} --><figure><img src=\"https://sd.example.org/api/upload-raw/" + INLINE + "\" alt=\"A conference hall\">"
        "<figcaption>The conference hall</figcaption></figure><!-- EMBED END Image {id: \"editor_0\"} -->"
        "<p>\u041c\u0438\u043d\u0438\u0441\u0442\u0440\u044b said the talks would go on on Thursday.</p>")

items = {
    "publish": story(G1, "2", "Ministers meet in Z\u00fcrich for river talks", BODY, versioncreated="2025-03-12T09:10:00+0000"),
    "correction": story(G1, "5", "Ministers meet in Z\u00fcrich for river talks", BODY.replace("Wednesday", "Tuesday"),
                        versioncreated="2025-03-12T10:15:00+0000", ednote="CORRECTION: The talks were on Tuesday, not Wednesday."),
    "stale": story(G1, "4", "Ministers meet in Z\u00fcrich (old version)", BODY, versioncreated="2025-03-12T10:00:00+0000"),
    "rewrite": story(G2, "2", "River treaty agreed in Z\u00fcrich", "<p>The five countries agreed the river treaty on Thursday.</p>" + BODY,
                     versioncreated="2025-03-12T11:30:00+0000", firstpublished="2025-03-12T11:30:00+0000", evolvedfrom=G1,
                     ednote="Adds the agreement"),
    "kill": dict(story(G2, "4", "Kill/Takedown notice", "<p>Please kill story slugged zurich-talks headlined River treaty agreed in Z\u00fcrich exZ\u00fcrich at 12 Mar 2025 11:30.</p><p>The story was wrong about the treaty.</p>",
                       versioncreated="2025-03-12T13:00:00+0000", evolvedfrom=G1, description_text="", description_html=""), pubstatus="canceled"),
    "embargoed": dict(story(G3, "3", "Budget figures for next year", "<p>The ministry will publish the budget figures.</p>",
                            versioncreated="2025-03-12T12:00:00+0000", embargoed="__EMBARGO__",
                            service=[{"code": "e", "name": "Economy"}], subject=[{"code": "04000000", "name": "economy, business and finance"}])),
}
for s in ("embargoed",):
    del items[s]["associations"]

for name, item in items.items():
    with open(name + ".json", "w") as f:
        f.write(json.dumps(item))
