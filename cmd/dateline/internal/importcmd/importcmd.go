// Package importcmd is `dateline import --from wordpress|ghost`: a
// WordPress or Ghost site moved into dateline with its stories, pictures
// and old addresses.
package importcmd

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"dateline"
	"dateline/cmd/dateline/internal/clientcmd"
	"dateline/importer"
	"dateline/importer/ghost"
	"dateline/importer/wordpress"
	"dateline/internal/mediastore"
	"dateline/internal/netguard"
)

// Usage is the command's help.
const Usage = `Usage:
  dateline import --from wordpress EXPORT.xml [--media-dir DIR] [--sections FILE | --section CATEGORY=SECTION ...] [flags]
  dateline import --from ghost EXPORT.json [--content-dir DIR] [--sections FILE | --section TAG=SECTION ...] [flags]

Moves a WordPress site (the WXR file of Tools → Export, "All content") or a
Ghost site (the JSON file of Settings → Labs → Export) into this one. Each
published post becomes a story at its new address, a scheduled post a story
published at its time, a draft a draft in the newsroom; trashed posts,
password-protected posts, attachments and menus are skipped, and so are
pages unless --pages is given.

A post's section is the first of its categories (WordPress) or its primary
tag (Ghost) that maps to a section: by --sections FILE (lines
"category-slug = section-slug", # starts a comment), by --section, or by
having a section's own slug; a post none of whose categories maps goes to
--default-section. Its other categories and its tags become topics.
Bodies are cleaned into the site's HTML: the block editor's comments, the
classic editor's paragraphs, [caption], [gallery], [embed], [video] and
[audio] become paragraphs, figures and links, other shortcodes are left out
with their text kept, and the site's sanitiser has the last word.

Pictures (featured images and those in bodies) are copied into the media
store from --media-dir (WordPress's wp-content/uploads folder; a picture at
.../wp-content/uploads/2017/10/a.jpg is DIR/2017/10/a.jpg) or --content-dir
(Ghost's content folder: .../content/images/2020/01/a.jpg is
DIR/images/2020/01/a.jpg), else fetched from their http(s) addresses (never
from private networks; a relative one, as Ghost writes them, against
--old-url) unless --fetch=false; a picture neither has is left out and
counted.

The old addresses are kept and redirected permanently (301) to the new
ones: WordPress's permalinks (/2017/10/23/slug/, /slug/, whatever the
site used), /?p=ID, /?page_id=ID and old slugs, and /category/SLUG/ and
/tag/SLUG/; Ghost's /slug/ and /tag/SLUG/. A category leads to its section
(or its topic), a tag to its topic (or the section it maps to).

Running it again is safe: posts are known by their own identifier (the
guid, Ghost's uuid), a post whose stored version is as new is left as it
is, and a newer one updates its story in place. Progress is written to
standard error every --every posts and at the end, with the posts
imported, updated, unchanged and skipped (and why). The exit status is 1
when the file is not an export (one line says why) or any post was refused.
`

// Run runs `dateline import --from ...`.
func Run(ctx context.Context, args []string, opener clientcmd.Opener, stdout, stderr io.Writer) error {
	fs := clientcmd.NewFlagSet("import", strings.TrimRight(Usage, "\n"))
	open := opener(fs)
	var (
		from, mediaDir, contentDir, sectionsFile, defaultSection, zone, mediaSpec, lang, oldURL string
		pages, fetch, allowPrivate                                                              bool
		every, batch                                                                            int
		sections                                                                                = sectionFlag{}
	)
	fs.StringVar(&from, "from", "", "the system the export comes from: wordpress or ghost")
	fs.StringVar(&mediaDir, "media-dir", "", "WordPress: the export's uploads folder (wp-content/uploads)")
	fs.StringVar(&contentDir, "content-dir", "", "Ghost: the site's content folder (with images/ in it)")
	fs.StringVar(&sectionsFile, "sections", "", `a file mapping categories (Ghost: tags) to sections, a line "category-slug = section-slug" each`)
	fs.Var(sections, "section", "CATEGORY=SECTION: map a category's (Ghost: a tag's) slug to a section's; repeat for several")
	fs.StringVar(&defaultSection, "default-section", clientcmd.Env("DATELINE_FALLBACK_SECTION", "world"), "the section of posts none of whose categories maps to one (env DATELINE_FALLBACK_SECTION)")
	fs.BoolVar(&pages, "pages", false, "import the site's pages as stories too")
	fs.BoolVar(&fetch, "fetch", true, "fetch pictures not in the folder from their http(s) addresses")
	fs.StringVar(&oldURL, "old-url", "", "the old site's address (https://old.example.com), to fetch pictures an export names without it (Ghost's __GHOST_URL__/content/images/...)")
	fs.BoolVar(&allowPrivate, "fetch-private", false, "let --fetch reach private and loopback addresses (an old site on the same closed network)")
	fs.StringVar(&zone, "zone", "UTC", "WordPress: the old site's time zone, for the rare post with a local date and no GMT date")
	fs.StringVar(&lang, "lang", dateline.LangMain, "the stories' language (a mapped section of another edition sets its own)")
	fs.StringVar(&mediaSpec, "media", clientcmd.Env("DATELINE_MEDIA", ""), mediastore.FlagHelp)
	fs.IntVar(&every, "every", 100, "write progress after this many posts")
	fs.IntVar(&batch, "batch", 200, "stories stored in one transaction")
	// Flags may come before or after the file.
	var words []string
	for rest := args; ; {
		if err := clientcmd.ParseFlags(fs, rest, stdout, stderr, true); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		words, rest = append(words, fs.Arg(0)), fs.Args()[1:]
	}
	if len(words) != 1 {
		return clientcmd.Usagef("give one export file; see dateline import --help")
	}
	name := words[0]
	switch {
	case from != "wordpress" && from != "ghost":
		return clientcmd.Usagef("--from must be wordpress or ghost, not %q", from)
	case from == "wordpress" && contentDir != "":
		return clientcmd.Usagef("--content-dir is Ghost's; a WordPress export's pictures are in --media-dir")
	case from == "ghost" && mediaDir != "":
		return clientcmd.Usagef("--media-dir is WordPress's; a Ghost export's pictures are in --content-dir")
	case every < 1 || batch < 1 || batch > 10000:
		return clientcmd.Usagef("--every must be at least 1 and --batch between 1 and 10000")
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return clientcmd.Usagef("--zone %q is not a time zone (such as Europe/Moscow)", zone)
	}
	var base *url.URL
	if oldURL != "" {
		if base, err = url.Parse(oldURL); err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
			return clientcmd.Usagef("--old-url must be an http(s) address such as https://old.example.com, not %q", oldURL)
		}
	}
	if sectionsFile != "" {
		if err := readSections(sectionsFile, sections); err != nil {
			return err
		}
	}
	for _, dir := range []string{mediaDir, contentDir} {
		if dir == "" {
			continue
		}
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return clientcmd.Usagef("%s is not a folder", dir)
		}
	}

	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	var ex *importer.Export
	if from == "wordpress" {
		ex, err = wordpress.Parse(bufio.NewReaderSize(f, 1<<20), wordpress.Options{Zone: loc})
	} else {
		ex, err = ghost.Parse(bufio.NewReaderSize(f, 1<<20))
	}
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}

	store, err := open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	data := ""
	if d := fs.Lookup("data"); d != nil {
		data = d.Value.String()
	}
	m, err := mediastore.Open(mediaSpec, data, os.Getenv)
	if err != nil {
		return clientcmd.Usagef("%s", dateline.ErrorMessage(err))
	}
	pics := &importer.Pictures{Media: m, Folder: from, Dir: mediaDir, Marker: "/wp-content/uploads/", Base: base}
	if from == "ghost" {
		pics.Dir, pics.Marker = contentDir, "/content/"
	}
	if fetch {
		pics.Fetch = netguard.Policy{AllowPrivate: allowPrivate}.Client(30 * time.Second)
	}
	total := len(ex.Posts)
	start := time.Now()
	im := &importer.Importer{
		Store: store, Pictures: pics, Sections: sections, DefaultSection: defaultSection, Pages: pages, Lang: lang,
		Every: every, Batch: batch,
		Progress: func(s importer.Stats) {
			s.Pictures = pics.Copied
			fmt.Fprintf(stderr, "%s: %d of %d posts, %s: %s\n", from, s.Read, total, time.Since(start).Round(time.Second), s.Summary())
		},
		Problem: func(post, msg string) { fmt.Fprintf(stderr, "%s: %q: %s\n", from, post, msg) },
	}
	if err := im.Import(ctx, ex); err != nil {
		return err
	}
	s := im.Stats
	s.Pictures = pics.Copied
	elapsed := time.Since(start)
	fmt.Fprintf(stderr, "%s: done in %s (%.0f posts/s): %s\n", from, elapsed.Round(time.Millisecond), float64(s.Read)/max(elapsed.Seconds(), 1e-3), s.Summary())
	if s.Refused > 0 {
		return fmt.Errorf("%d posts were refused", s.Refused)
	}
	return nil
}

// sectionFlag is --section CATEGORY=SECTION, repeated.
type sectionFlag map[string]string

func (s sectionFlag) String() string { return "" }

func (s sectionFlag) Set(v string) error {
	term, sec, ok := strings.Cut(v, "=")
	term, sec = strings.ToLower(strings.TrimSpace(term)), strings.TrimSpace(sec)
	if !ok || term == "" || sec == "" {
		return fmt.Errorf("%q is not CATEGORY=SECTION", v)
	}
	s[term] = sec
	return nil
}

// readSections reads a mapping file: "category-slug = section-slug" a
// line, blank lines and # comments left out.
func readSections(name string, into sectionFlag) error {
	f, err := os.Open(name)
	if err != nil {
		return clientcmd.Usagef("--sections: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		if strings.TrimSpace(line) == "" {
			continue
		}
		if err := into.Set(line); err != nil {
			return clientcmd.Usagef("%s:%d: %q is not \"category-slug = section-slug\"", name, n, strings.TrimSpace(line))
		}
	}
	if err := sc.Err(); err != nil {
		return clientcmd.Usagef("--sections: %v", err)
	}
	return nil
}
