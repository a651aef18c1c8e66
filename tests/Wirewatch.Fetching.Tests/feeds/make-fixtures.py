#!/usr/bin/env python3
"""Writes the feed fixtures (our own writing) and manifest.json. Run from this folder; the output is committed."""
import json, codecs

W = "https://wire.example"
fixtures = []

def add(name, text, *, expect, encoding="utf-8", bom=False, http=None, raw=None):
    data = raw if raw is not None else text.encode(encoding)
    if bom:
        data = {"utf-8": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
                "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}[encoding] + data
    with open(name, "wb") as f:
        f.write(data)
    entry = {"file": name, **expect}
    if http:
        entry["httpCharset"] = http
    fixtures.append(entry)

def rss_items(n=2, date=True, prefix="a"):
    out = ""
    for i in range(1, n + 1):
        d = f"<pubDate>Mon, 0{i} Feb 2016 04:22:00 +0900</pubDate>" if date else ""
        out += f"<item><title>Story {prefix}{i}</title><link>{W}/{prefix}/{i}</link><description>Text {i}</description>{d}</item>\n"
    return out

def links(prefix="a", n=2):
    return [f"{W}/{prefix}/{i}" for i in range(1, n + 1)]

RSS_DATES = ["2016-01-31T19:22:00Z", "2016-02-01T19:22:00Z"]

# RSS 0.90: RDF, items beside the channel, no dates.
add("rss-0.90.rdf", f"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/">
<channel><title>Wire 0.90</title><link>{W}/</link><description>d</description></channel>
<item><title>Story r1</title><link>{W}/r/1</link></item>
<item><title>Story r2</title><link>{W}/r/2</link></item>
</rdf:RDF>
""", expect={"format": "rss-0.90", "title": "Wire 0.90", "links": links("r"), "dates": [None, None], "titles": ["Story r1", "Story r2"]})

add("rss-0.91-netscape.xml", f"""<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Wire&nbsp;0.91</title><link>{W}/</link><description>Caf\u00e9 &eacute;dition</description><language>en</language>
{rss_items()}</channel></rss>
""", encoding="latin-1", expect={"format": "rss-0.91", "title": "Wire 0.91", "links": links(), "dates": RSS_DATES})

for version in ["0.91", "0.92", "0.93", "0.94", "2.0", "2.01"]:
    add(f"rss-{version}.xml", f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="{version}"><channel><title>Wire {version}</title><link>{W}/</link><description>d</description>
{rss_items()}</channel></rss>
""", expect={"format": f"rss-{version}", "title": f"Wire {version}", "links": links(), "dates": RSS_DATES})

add("rss-noversion.xml", f"""<?xml version="1.0"?>
<rss><channel><title>No version</title><link>{W}/</link><description>d</description>
{rss_items()}</channel></rss>
""", expect={"format": "rss", "title": "No version", "links": links(), "dates": RSS_DATES})

add("rss-1.0.rdf", f"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="{W}/rss"><title>Wire 1.0</title><link>{W}/</link><description>d</description>
<items><rdf:Seq><rdf:li rdf:resource="{W}/s/1"/><rdf:li rdf:resource="{W}/s/2"/></rdf:Seq></items></channel>
<item rdf:about="{W}/s/1"><title>Story s1</title><link>{W}/s/1</link><dc:date>2016-02-08T04:22:00+09:00</dc:date></item>
<item rdf:about="{W}/s/2"><title>Story s2</title><dc:date>2016-02-08T04:23+09:00</dc:date></item>
</rdf:RDF>
""", expect={"format": "rss-1.0", "title": "Wire 1.0", "links": links("s"), "dates": ["2016-02-07T19:22:00Z", "2016-02-07T19:23:00Z"]})

add("rss-userland.xml", f"""<?xml version="1.0"?>
<rss version="2.0" xmlns="http://backend.userland.com/rss2"><channel><title>Userland</title><link>{W}/</link><description>d</description>
{rss_items()}</channel></rss>
""", expect={"format": "rss-2.0", "title": "Userland", "links": links(), "dates": RSS_DATES})

add("atom-0.3.xml", f"""<?xml version="1.0" encoding="utf-8"?>
<feed version="0.3" xmlns="http://purl.org/atom/ns#">
<title>Atom 0.3</title><link rel="alternate" type="text/html" href="{W}/"/><modified>2016-02-08T04:22:00Z</modified>
<entry><title>Story t1</title><link rel="alternate" type="text/html" href="{W}/t/1"/><id>tag:wire.example,2016:t1</id><issued>2016-02-08T13:22:00+09:00</issued><modified>2016-02-08T05:00:00Z</modified></entry>
<entry><title mode="escaped" type="text/html">Story &lt;b&gt;t2&lt;/b&gt;</title><link rel="alternate" type="text/html" href="{W}/t/2"/><id>tag:wire.example,2016:t2</id><issued>2016-02-08T13:23:00+09:00</issued></entry>
</feed>
""", expect={"format": "atom-0.3", "title": "Atom 0.3", "links": links("t"), "dates": ["2016-02-08T04:22:00Z", "2016-02-08T04:23:00Z"], "titles": ["Story t1", "Story t2"]})

# Atom 0.3 known by its namespace alone, without the version attribute.
add("atom-0.3-noversion.xml", f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://purl.org/atom/ns#">
<title>Atom 0.3 unversioned</title><modified>2016-02-08T04:22:00Z</modified>
<entry><title>Story t1</title><link rel="alternate" type="text/html" href="{W}/t/1"/><id>tag:wire.example,2016:t1</id><modified>2016-02-08T05:00:00Z</modified><issued>2016-02-08T13:22:00+09:00</issued></entry>
<entry><title>Story t2</title><link rel="alternate" type="text/html" href="{W}/t/2"/><id>tag:wire.example,2016:t2</id><issued>2016-02-08T13:23</issued></entry>
</feed>
""", expect={"format": "atom-0.3", "title": "Atom 0.3 unversioned", "links": links("t"), "dates": ["2016-02-08T04:22:00Z", "2016-02-08T13:23:00Z"], "titles": ["Story t1", "Story t2"]})

add("atom-1.0.xml", f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="{W}/news/">
<title type="text">Atom 1.0</title><id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id><updated>2016-02-08T04:22:00Z</updated>
<entry><title>Story u1</title><link rel="self"/><link/><link rel="alternate" type="text/html" href="u/1"/><id>urn:uuid:1</id><published>2016-02-08T13:22:00+09:00</published><updated>2016-02-09T00:00:00Z</updated></entry>
<entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Story <i>u2</i></div></title><link rel="enclosure" href="{W}/u/2.mp3"/><link href="{W}/u/2"/><id>{W}/u/2</id><updated>2016-02-08T04:23:00Z</updated></entry>
</feed>
""", expect={"format": "atom-1.0", "title": "Atom 1.0", "links": [f"{W}/news/u/1", f"{W}/u/2"], "dates": ["2016-02-08T04:22:00Z", "2016-02-08T04:23:00Z"], "titles": ["Story u1", "Story u2"]})

add("json-1.0.json", json.dumps({"version": "https://jsonfeed.org/version/1", "title": "JSON 1.0", "home_page_url": W + "/",
    "items": [{"id": "1", "url": f"{W}/j/1", "title": "Story j1", "date_published": "2016-02-08T13:22:00+09:00"},
              {"id": f"{W}/j/2", "title": "Story j2", "content_text": "no url: the id is a URL", "date_modified": "2016-02-08T04:23:00Z"}]}, indent=1),
    expect={"format": "json-1.0", "title": "JSON 1.0", "links": links("j"), "dates": ["2016-02-08T04:22:00Z", "2016-02-08T04:23:00Z"]})

add("json-1.1.json", json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "JSON 1.1",
    "items": [{"id": "a", "url": f"{W}/k/1", "title": "Story k1", "date_published": "2016-02-08T04:22:00Z"},
              {"id": "b", "external_url": f"{W}/k/2", "title": "Story k2"},
              {"id": "c", "title": "No link at all"}]}, indent=1),
    expect={"format": "json-1.1", "title": "JSON 1.1", "links": links("k"), "dates": ["2016-02-08T04:22:00Z", None], "noLink": 1})

# Every date form, one item each: [written, expected UTC or None when unreadable].
dates = [
    ("Thu, 03 Mar 2016 13:37:00 KST", "2016-03-03T04:37:00Z"),
    ("Thu, 03 Mar 2016 13:37:00 EST", "2016-03-03T18:37:00Z"),
    ("Thu, 03 Mar 2016 13:37:00 PDT", "2016-03-03T20:37:00Z"),
    ("Thu, 03 Mar 2016 13:37:00 Z", "2016-03-03T13:37:00Z"),
    ("Thu, 03 Mar 2016 13:37:00 UT", "2016-03-03T13:37:00Z"),
    ("Thu, 03 Mar 2016 13:37:00 GMT", "2016-03-03T13:37:00Z"),
    ("Thu, 03 Mar 2016 13:37:00", "2016-03-03T13:37:00Z"),
    ("Thu, 03 Mar 2016 13:37 +0900", "2016-03-03T04:37:00Z"),
    ("03 Mar 2016 13:37:00 +0900", "2016-03-03T04:37:00Z"),
    ("Thu, 3 Mar 16 13:37:00 -0500", "2016-03-03T18:37:00Z"),
    ("Thu, 03 March 2016 13:37:00 +09:00", "2016-03-03T04:37:00Z"),
    ("2016-03-03T13:37:00+09:00", "2016-03-03T04:37:00Z"),
    ("2016-03-03T13:37:00.123Z", "2016-03-03T13:37:00.123Z"),
    ("2016-03-03T13:37+09:00", "2016-03-03T04:37:00Z"),
    ("2016-03-03 13:37:00", "2016-03-03T13:37:00Z"),
    ("2016-03-03", "2016-03-03T00:00:00Z"),
    ("20160303T133700Z", "2016-03-03T13:37:00Z"),
    ("Thu Mar 03 13:37:00 2016", "2016-03-03T13:37:00Z"),
    ("March 3, 2016 1:37 PM", "2016-03-03T13:37:00Z"),
    ("yesterday around noon", None),
    ("Thu, 31 Feb 2016 13:37:00 +0900", None),
    ("", None),
]
items = ""
for i, (written, _) in enumerate(dates, 1):
    items += f"<item><title>Date {i}</title><link>{W}/d/{i}</link><pubDate>{written}</pubDate></item>\n"
add("dates.xml", f"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Dates</title><link>{W}/</link><description>d</description>
{items}</channel></rss>
""", expect={"format": "rss-2.0", "title": "Dates", "links": [f"{W}/d/{i}" for i in range(1, len(dates) + 1)],
             "dates": [d for _, d in dates], "badDates": 2, "written": [w for w, _ in dates]})

# Encodings: the same Korean/French feed in each.
def enc_feed(decl):
    d = f' encoding="{decl}"' if decl else ""
    return f"""<?xml version="1.0"{d}?>
<rss version="2.0"><channel><title>북한 Café</title><link>{W}/</link><description>d</description>
<item><title>미사일 발사 \u00e9t\u00e9</title><link>{W}/e/1</link><pubDate>Mon, 08 Feb 2016 04:22:00 +0900</pubDate></item>
</channel></rss>
"""
def latin_feed(decl):
    d = f' encoding="{decl}"' if decl else ""
    return f"""<?xml version="1.0"{d}?>
<rss version="2.0"><channel><title>Caf\u00e9 \u00e9t\u00e9</title><link>{W}/</link><description>d</description>
<item><title>D\u00e9j\u00e0 vu \u2014 encore</title><link>{W}/e/1</link><pubDate>Mon, 08 Feb 2016 04:22:00 +0900</pubDate></item>
</channel></rss>
"""
def korean_feed(decl):
    d = f' encoding="{decl}"' if decl else ""
    return f"""<?xml version="1.0"{d}?>
<rss version="2.0"><channel><title>북한 뉴스</title><link>{W}/</link><description>d</description>
<item><title>미사일 발사</title><link>{W}/e/1</link><pubDate>Mon, 08 Feb 2016 04:22:00 +0900</pubDate></item>
</channel></rss>
"""
E1 = {"links": [f"{W}/e/1"], "dates": ["2016-02-07T19:22:00Z"], "format": "rss-2.0"}
U = dict(E1, title="북한 Café", titles=["미사일 발사 été"])
add("enc-utf8-bom.xml", enc_feed("utf-8"), bom=True, expect=U)
add("enc-utf8.xml", enc_feed(None), expect=U)
add("enc-utf16le-bom.xml", enc_feed("utf-16"), encoding="utf-16-le", bom=True, expect=U)
add("enc-utf16be-bom.xml", enc_feed("utf-16"), encoding="utf-16-be", bom=True, expect=U)
add("enc-utf16le.xml", enc_feed("utf-16"), encoding="utf-16-le", expect=U)
add("enc-utf16be.xml", enc_feed("utf-16"), encoding="utf-16-be", expect=U)
add("enc-utf32le-bom.xml", enc_feed("utf-32"), encoding="utf-32-le", bom=True, expect=U)
add("enc-utf32be.xml", enc_feed("utf-32"), encoding="utf-32-be", expect=U)
add("enc-utf32le.xml", enc_feed("utf-32"), encoding="utf-32-le", expect=U)
add("enc-utf32be-bom.xml", enc_feed("utf-32"), encoding="utf-32-be", bom=True, expect=U)
# The BOM decides over a declaration and an HTTP charset that both say otherwise.
add("enc-bom-over-labels-utf8.xml", enc_feed("windows-1252"), bom=True, http="iso-8859-1", expect=U)
add("enc-bom-over-labels-utf16be.xml", enc_feed("iso-8859-1"), encoding="utf-16-be", bom=True, http="windows-1252", expect=U)
L = dict(E1, title="Café été", titles=["Déjà vu — encore"])
add("enc-windows-1252-declared.xml", latin_feed("windows-1252"), encoding="cp1252", expect=L)
add("enc-windows-1252-http.xml", latin_feed(None), encoding="cp1252", http="windows-1252", expect=L)
Lat = dict(E1, title="Café été", titles=["Déjà vu - encore"])
add("enc-iso-8859-1-declared.xml", latin_feed("ISO-8859-1").replace("\u2014", "-"), encoding="latin-1", expect=Lat)
add("enc-iso-8859-1-http.xml", latin_feed(None).replace("\u2014", "-"), encoding="latin-1", http="iso-8859-1", expect=Lat)
K = dict(E1, title="북한 뉴스", titles=["미사일 발사"])
add("enc-euc-kr-declared.xml", korean_feed("EUC-KR"), encoding="euc-kr", expect=K)
add("enc-euc-kr-http.xml", korean_feed(None), encoding="euc-kr", http="euc-kr", expect=K)
add("enc-http-wrong-xml-right.xml", korean_feed("euc-kr"), encoding="euc-kr", http="iso-8859-1", expect=K)

add("enc-ebcdic-cp037.xml", latin_feed("cp037").replace("\u2014", "-"), encoding="cp037", expect=Lat)
add("enc-ebcdic-ibm500.xml", latin_feed("IBM500").replace("\u2014", "-"), encoding="cp500", expect=Lat)
add("enc-label-cp1250.xml", latin_feed("cp1250").replace("\u2014", "-").replace("à", "a"), encoding="cp1250",
    expect=dict(Lat, titles=["Déja vu - encore"]))

# Leniency: what feedparser reads and a strict parser refuses.
add("lenient-html-entities.xml", f"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Caf&eacute;&nbsp;&mdash; &copy; 2016 &foo; AT&T</title><link>{W}/</link><description>d</description>
<item><title>North&nbsp;Korea &ndash; talks</title><link>{W}/a/1?x=1&y=2</link><pubDate>Mon, 01 Feb 2016 04:22:00 +0900</pubDate></item>
<item><title>Two</title><link>{W}/a/2</link><pubDate>Mon, 02 Feb 2016 04:22:00 +0900</pubDate></item>
</channel></rss>
""", expect={"format": "rss-2.0", "title": "Café — © 2016 &foo; AT&T", "links": [f"{W}/a/1?x=1&y=2", f"{W}/a/2"], "dates": RSS_DATES, "titles": ["North Korea – talks", "Two"]})

add("lenient-comment-before-root.xml", f"""<!-- generated by a CMS at 12:00 -->
<!-- second comment -->
<rss version="2.0"><channel><title>Commented</title><link>{W}/</link><description>d</description>
{rss_items()}</channel></rss>
""", expect={"format": "rss-2.0", "title": "Commented", "links": links(), "dates": RSS_DATES})

add("lenient-stray-before-root.xml", f"""

 Warning: session_start(): headers already sent in /var/www/rss.php on line 3
<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Stray</title><link>{W}/</link><description>d</description>
{rss_items()}</channel></rss>
""", expect={"format": "rss-2.0", "title": "Stray", "links": links(), "dates": RSS_DATES})

add("lenient-undeclared-prefix.xml", f"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Prefixes</title><link>{W}/</link><description>d</description>
<item><title>P1</title><link>{W}/a/1</link><dc:date>2016-01-31T19:22:00Z</dc:date><content:encoded><![CDATA[<p>x & y</p>]]></content:encoded></item>
<item><title>P2</title><link>{W}/a/2</link><dc:date>2016-02-01T19:22:00Z</dc:date></item>
</channel></rss>
""", expect={"format": "rss-2.0", "title": "Prefixes", "links": links(), "dates": RSS_DATES})

add("lenient-bad-nesting.xml", f"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Nesting</title><link>{W}/</link><description>d</description>
<item><title>B1</title><link>{W}/a/1</link><description><p>First<br>line</description><pubDate>Mon, 01 Feb 2016 04:22:00 +0900</pubDate></item>
<item><title>B2</title><link>{W}/a/2</link><description><b><i>bold</b></i></description><pubDate>Mon, 02 Feb 2016 04:22:00 +0900</pubDate></item>
</channel></rss>
""", expect={"format": "rss", "title": "Nesting", "links": links(), "dates": RSS_DATES, "recovered": True})

add("lenient-truncated.xml", f"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Truncated</title><link>{W}/</link><description>d</description>
{rss_items()}<item><title>Cut of""", expect={"format": "rss-2.0", "title": "Truncated", "links": links(), "dates": RSS_DATES, "recovered": True, "noLink": 1})

add("lenient-control-chars.xml", f"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Control\x0b chars\x1a</title><link>{W}/</link><description>d</description>
{rss_items()}</channel></rss>
""", expect={"format": "rss-2.0", "title": "Control chars", "links": links(), "dates": RSS_DATES})

add("namespace-clash.xml", f"""<?xml version="1.0"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:l="http://purl.org/rss/1.0/modules/link/">
<channel><atom:link rel="self" href="{W}/feed"/><media:title>Not the channel title</media:title><title>Clash</title><link>{W}/</link><description>d</description>
<item><media:title>Not the item title</media:title><title>Item c1</title><l:link l:rel="permalink" l:type="text/html"/><atom:link rel="self" href="{W}/self/1"/><link>{W}/c/1</link><dcterms:modified xmlns:dcterms="http://purl.org/dc/terms/">2016-01-31T19:22:00Z</dcterms:modified></item>
<item><title>Item c2</title><atom:link rel="alternate" href="{W}/c/2"/><pubDate>Mon, 02 Feb 2016 04:22:00 +0900</pubDate></item>
</channel></rss>
""", expect={"format": "rss-2.0", "title": "Clash", "links": [f"{W}/c/1", f"{W}/c/2"], "dates": RSS_DATES, "titles": ["Item c1", "Item c2"]})

add("items-guid.xml", f"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Guids</title><link>{W}/</link><description>d</description>
<item><title>Permalink guid</title><guid isPermaLink="true">{W}/g/1</guid></item>
<item><title>URL-like guid, no attribute</title><guid>{W}/g/2</guid></item>
<item><title>Not a permalink</title><guid isPermaLink="false">{W}/g/3</guid></item>
<item><title>Opaque guid</title><guid>tag:wire.example,2016:4</guid></item>
<item><title>Link wins over guid</title><link>{W}/g/5</link><guid isPermaLink="true">{W}/other/5</guid></item>
<item><title>Relative link</title><link>/g/6</link></item>
</channel></rss>
""", expect={"format": "rss-2.0", "title": "Guids", "links": [f"{W}/g/1", f"{W}/g/2", f"{W}/g/5", f"{W}/g/6"], "dates": [None] * 4, "noLink": 2})

add("lenient-root-end-cut.xml", f"""<rss version="2.0"><channel><title>Cut root</title><link>{W}/</link><description>d</description>
{rss_items()}</channel></rss""", expect={"format": "rss-2.0", "title": "Cut root", "links": links(), "dates": RSS_DATES, "recovered": True})

add("lenient-channel-only-cut.xml", f"""<rss><channel><title>Nothing but a title</title></channel></rss""",
    expect={"format": "rss", "title": "Nothing but a title", "links": [], "dates": [], "recovered": True})

add("json-nan-no-version.json", """{"title": "No version", "items": [{"id": NaN, "url": "https://wire.example/n/1", "date_published": "2016-02-08T04:22:00Z"}, {"id": Infinity}]}""",
    expect={"format": "json", "title": "No version", "links": ["https://wire.example/n/1"], "dates": ["2016-02-08T04:22:00Z"], "noLink": 1})

add("json-no-items.json", """{"version": "https://jsonfeed.org/version/1.1", "title": "Empty"}""",
    expect={"format": "json-1.1", "title": "Empty", "links": [], "dates": []})

json.dump({"feedUrl": f"{W}/feed", "fixtures": fixtures}, open("manifest.json", "w"), indent=1, ensure_ascii=False)
print(len(fixtures), "fixtures")
