// Package currency serves the exchange rates: the reader's converter at
// /currency with its chart, the home page's block of rates, and the
// documents of GET /api/v1/rates and GET /api/v1/convert, all read from
// the tables dateline.Rates keeps.
package currency

import (
	"context"
	"errors"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"dateline"
	"dateline/http/site/kit"
	"dateline/http/web"
	"dateline/i18n"
	"dateline/rates"
)

// Handler is the converter page, the home page's block of rates and the
// documents of the rates API.
type Handler struct {
	*kit.Kit
	store dateline.Rates
}

// New returns the rates' pages, made with k from the tables of store.
func New(k *kit.Kit, store dateline.Rates) *Handler { return &Handler{Kit: k, store: store} }

// Routes registers the converter page on m.
func (s *Handler) Routes(m *http.ServeMux) {
	m.HandleFunc("GET /currency", s.handleCurrency)
}

// rateErr turns a rates.Error into a dateline one, so its message reaches
// the reader and its code picks the status.
func rateErr(err error) error {
	var re *rates.Error
	if errors.As(err, &re) {
		r, n := utf8.DecodeRuneInString(re.Message)
		return dateline.Errorf(re.Code, "%s.", string(unicode.ToUpper(r))+re.Message[n:])
	}
	return err
}

// pickRates finds the table a request asks for: its source (the
// parameter, else the Bank of Russia when stored, else the first stored)
// and the newest table on or before its date (else the newest of all).
// It returns the stored sources too. Returns ENOTFOUND when nothing fits
// and EINVALID for a malformed or future date or an unknown source.
func (s *Handler) pickRates(ctx context.Context, q url.Values) (*dateline.RateTable, []dateline.RateSource, error) {
	rs := s.store
	sources, err := rs.RateSources(ctx)
	if err != nil {
		return nil, nil, err
	}
	if len(sources) == 0 {
		return nil, nil, dateline.Errorf(dateline.ENOTFOUND, "No exchange rates are stored yet.")
	}
	want := q.Get("source")
	var src *dateline.RateSource
	for i := range sources {
		if sources[i].Source == want || (want == "" && sources[i].Source == rates.SourceCBR) {
			src = &sources[i]
		}
	}
	switch {
	case src == nil && want == "":
		src = &sources[0]
	case src == nil && (want == rates.SourceCBR || want == rates.SourceECB):
		return nil, sources, dateline.Errorf(dateline.ENOTFOUND, "No rates of the %s are stored.", rates.SourceName(want))
	case src == nil:
		return nil, sources, dateline.Errorf(dateline.EINVALID, "source is cbr (Bank of Russia) or ecb (European Central Bank), not %q.", kit.Truncate(want, 20))
	}
	day := src.Latest
	if v := q.Get("date"); v != "" {
		d, err := rates.ParseDay(v)
		if err != nil {
			return nil, sources, rateErr(err)
		}
		today := s.Now().UTC().Truncate(24 * time.Hour)
		if d.After(today.AddDate(0, 0, 1)) {
			return nil, sources, dateline.Errorf(dateline.EINVALID, "The date %s is in the future; the newest rates are of %s.", v, src.Latest.Format(time.DateOnly))
		}
		if d.Before(src.First) {
			return nil, sources, dateline.Errorf(dateline.ENOTFOUND, "No rates of the %s on or before %s; the first stored are of %s.",
				rates.SourceName(src.Source), v, src.First.Format(time.DateOnly))
		}
		day = d
	}
	t, err := rs.RatesOn(ctx, src.Source, day)
	return t, sources, err
}

// ratesQuery reads an API request's query and finds its table.
func (s *Handler) ratesQuery(r *http.Request) (url.Values, *dateline.RateTable, error) {
	q, err := kit.Query(r)
	if err != nil {
		return nil, nil, err
	}
	rec, _, err := s.pickRates(r.Context(), q)
	return q, rec, err
}

// rateJSON is one currency against the base of GET /api/v1/rates.
type rateJSON struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	Rate    string `json:"rate"`    // units of the base per one unit
	Inverse string `json:"inverse"` // units per one unit of the base
}

// RatesDoc answers GET /api/v1/rates?base=&date=&source=: every
// currency of the table against base, cross rates computed exactly and
// rounded to rates.RatePlaces.
func (s *Handler) RatesDoc(r *http.Request) (any, error) {
	q, rec, err := s.ratesQuery(r)
	if err != nil {
		return nil, err
	}
	tab := rates.FromRecord(rec)
	base := tab.Base
	if v := q.Get("base"); v != "" {
		if base, err = rates.ParseCode(v); err != nil {
			return nil, rateErr(err)
		}
		if _, err := tab.PerUnit(base); err != nil {
			return nil, rateErr(err)
		}
	}
	list := []rateJSON{}
	for _, code := range append([]string{tab.Base}, tab.Codes()...) {
		if code == base {
			continue
		}
		per, _ := rates.Convert(tab, code, base, big.NewRat(1, 1))
		list = append(list, rateJSON{Code: code, Name: rates.Name(code), Rate: rates.Round(per, rates.RatePlaces),
			Inverse: rates.Round(new(big.Rat).Inv(per), rates.RatePlaces)})
	}
	return map[string]any{
		"source": tab.Source, "source_name": rates.SourceName(tab.Source), "date": tab.Date.Format(time.DateOnly),
		"base": base, "rounding": rates.Rounding, "note": rec.Note, "rates": list,
	}, nil
}

// conversion is a converted amount with what it was computed from.
type conversion struct {
	From    string `json:"from"`
	To      string `json:"to"`
	Amount  string `json:"amount"`
	Result  string `json:"result"`  // rounded to rates.AmountPlaces
	Rate    string `json:"rate"`    // units of To per one From, rounded to rates.RatePlaces
	Inverse string `json:"inverse"` // units of From per one To
	Date    string `json:"date"`
	Source  string `json:"source"`
	// SourceName is the source's name, "Bank of Russia".
	SourceName string `json:"source_name"`
	Rounding   string `json:"rounding"`
	Note       string `json:"note"`
}

// convert reads from, to and amount and converts through tab. amount
// defaults to 1. Returns EINVALID for a bad code or amount and ENOTFOUND
// for a currency the table does not list.
func convert(rec *dateline.RateTable, q url.Values, defFrom, defTo string) (*conversion, error) {
	tab := rates.FromRecord(rec)
	get := func(name, def string) (string, error) {
		v := q.Get(name)
		if v == "" {
			if def == "" {
				return "", dateline.Errorf(dateline.EINVALID, "%s is a currency code such as USD.", name)
			}
			return def, nil
		}
		c, err := rates.ParseCode(v)
		return c, rateErr(err)
	}
	from, err := get("from", defFrom)
	if err != nil {
		return nil, err
	}
	to, err := get("to", defTo)
	if err != nil {
		return nil, err
	}
	raw := q.Get("amount")
	if !q.Has("amount") {
		raw = "1"
	}
	amount, err := rates.ParseAmount(raw)
	if err != nil {
		return nil, rateErr(err)
	}
	res, err := rates.Convert(tab, from, to, amount)
	if err != nil {
		return nil, rateErr(err)
	}
	rate, _ := rates.Convert(tab, from, to, big.NewRat(1, 1))
	return &conversion{From: from, To: to, Amount: plainAmount(amount), Result: rates.Round(res, rates.AmountPlaces),
		Rate: rates.Round(rate, rates.RatePlaces), Inverse: rates.Round(new(big.Rat).Inv(rate), rates.RatePlaces),
		Date: tab.Date.Format(time.DateOnly), Source: tab.Source, SourceName: rates.SourceName(tab.Source),
		Rounding: rates.Rounding, Note: rec.Note}, nil
}

// plainAmount writes an amount the reader typed without trailing zeros.
func plainAmount(a *big.Rat) string {
	s := a.FloatString(rates.MaxFracDigits)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// ConvertDoc answers GET /api/v1/convert?from=&to=&amount=&date=.
func (s *Handler) ConvertDoc(r *http.Request) (any, error) {
	q, rec, err := s.ratesQuery(r)
	if err != nil {
		return nil, err
	}
	c, err := convert(rec, q, "", "")
	if err != nil {
		return nil, err
	}
	return c, nil
}

// --- the reader's page ---

type currencyOption struct {
	Code, Name string
}

type rateRow struct {
	Code, Name string
	Rate       string // units of the base per one unit
	Published  string // the source's figure, "99,4486"
	Per        string // what it is for when not one unit of the currency: "100" (units), "EUR"
}

type sourceLink struct {
	Name, URL string
	Current   bool
}

// currencyPage is /currency.
type currencyPage struct {
	*kit.Base
	Source, SourceName string
	BaseCode           string // the currency rates are given in
	Date, DateText     string // the table's date, "2026-11-27" and as written
	Asked              string // the date asked for, when it had no table of its own
	First, Latest      string // the range the date picker offers
	Note               string
	Amount, From, To   string
	Result             *conversion
	Error              string
	Options            []currencyOption
	Main, Others       []rateRow
	Chart              *rateChart
	ChartCode          string
	Days               int
	DayChoices         []int
	Sources            []sourceLink
	Rounding           string
}

// chartDays are the history lengths the page offers.
var chartDays = []int{30, 90, 365}

func (s *Handler) handleCurrency(w http.ResponseWriter, r *http.Request) {
	q, err := kit.Query(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	// The key is the parameters as the page reads them; the values are
	// bounded, and pages of odd queries only fill the cursor quarter.
	key := web.Key{Kind: "currency", Zone: s.Zone(r).Key()}
	var parts []string
	for _, name := range []string{"source", "date", "amount", "from", "to", "chart", "days"} {
		parts = append(parts, kit.Truncate(q.Get(name), 64))
	}
	key.B = strings.Join(parts, "|")
	if key.B == "||||||" {
		key.B = ""
	}
	s.ServePage(w, r, key, func(ctx context.Context) (*web.Page, error) {
		v := s.NewBase(r, "")
		lang := i18n.Lang(v.Lang)
		d, code, err := s.currencyPage(ctx, q, lang)
		if err != nil {
			return nil, err
		}
		d.Base, v.Title = v, i18n.T(lang, "Currency converter")
		v.Canonical = dateline.EditionPath(s.Lang(r)) + "/currency"
		v.Description = i18n.T(lang, "Official exchange rates of the %s and a currency converter.", i18n.T(lang, d.SourceName))
		return s.HTMLPage("currency", d, code, s.LastModified())
	})
}

// currencyPage gathers the page. Bad input is shown on the page with
// status 400; only a site without rates (or a date before them) is an
// error page.
func (s *Handler) currencyPage(ctx context.Context, q url.Values, lang i18n.Lang) (*currencyPage, int, error) {
	code := http.StatusOK
	var msg string
	rec, sources, err := s.pickRates(ctx, q)
	if err != nil && len(sources) > 0 && dateline.ErrorCode(err) == dateline.EINVALID {
		// A bad date or source: show the newest table of the default source.
		code, msg = http.StatusBadRequest, dateline.ErrorMessage(err)
		rec, _, err = s.pickRates(ctx, url.Values{})
	}
	if err != nil {
		return nil, 0, err
	}
	tab := rates.FromRecord(rec)
	d := &currencyPage{Source: tab.Source, SourceName: rates.SourceName(tab.Source), BaseCode: tab.Base,
		Date: tab.Date.Format(time.DateOnly), DateText: i18n.DateYear(lang, tab.Date), Note: rec.Note,
		Rounding: rates.Rounding, Error: msg, DayChoices: chartDays}
	if v := q.Get("date"); v != "" && v != d.Date && msg == "" {
		d.Asked = v
	}
	for _, src := range sources {
		if src.Source == tab.Source {
			d.First, d.Latest = src.First.Format(time.DateOnly), src.Latest.Format(time.DateOnly)
		}
		d.Sources = append(d.Sources, sourceLink{Name: rates.SourceName(src.Source), URL: "/currency?source=" + src.Source, Current: src.Source == tab.Source})
	}
	if len(d.Sources) < 2 {
		d.Sources = nil
	}

	// The converter: 100 US dollars into the base unless asked otherwise.
	defFrom := "USD"
	if _, ok := tab.Rates[defFrom]; !ok {
		defFrom = tab.Codes()[0]
	}
	d.Amount, d.From, d.To = q.Get("amount"), q.Get("from"), q.Get("to")
	cq := url.Values{"amount": {d.Amount}, "from": {d.From}, "to": {d.To}}
	if !q.Has("amount") {
		d.Amount, cq["amount"] = "100", []string{"100"}
	}
	if c, err := convert(rec, cq, defFrom, tab.Base); err != nil {
		if msg == "" {
			code, d.Error = http.StatusBadRequest, dateline.ErrorMessage(err)
		}
	} else if msg == "" {
		d.Result = c
	}
	if d.From == "" {
		d.From = defFrom
	}
	if d.To == "" {
		d.To = tab.Base
	}
	d.From, d.To = strings.ToUpper(kit.Truncate(d.From, 3)), strings.ToUpper(kit.Truncate(d.To, 3))

	codes := append([]string{tab.Base}, tab.Codes()...)
	for _, c := range codes {
		d.Options = append(d.Options, currencyOption{Code: c, Name: rates.Name(c)})
	}
	for _, c := range tab.Codes() {
		x := tab.Rates[c]
		row := rateRow{Code: c, Name: rates.Name(c), Rate: rates.Round(x.PerUnit, rates.RatePlaces), Published: x.Published}
		switch {
		case tab.Source == rates.SourceECB:
			row.Per = tab.Base // the ECB publishes units per euro
		case x.Nominal != 1:
			row.Per = strconv.FormatInt(x.Nominal, 10)
		}
		if slices.Contains(rates.Main, c) {
			d.Main = append(d.Main, row)
		} else {
			d.Others = append(d.Others, row)
		}
	}
	slices.SortStableFunc(d.Main, func(a, b rateRow) int { return slices.Index(rates.Main, a.Code) - slices.Index(rates.Main, b.Code) })

	// The chart: one currency against the base over the chosen days.
	d.ChartCode, d.Days = defFrom, chartDays[0]
	if v := q.Get("chart"); v != "" {
		if c, err := rates.ParseCode(v); err == nil && tab.Rates[c].PerUnit != nil {
			d.ChartCode = c
		} else if code == http.StatusOK {
			code, d.Error = http.StatusBadRequest, "There is no chart for "+strconv.Quote(kit.Truncate(v, 10))+"; pick a currency of the table."
		}
	}
	if v := q.Get("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err == nil && slices.Contains(chartDays, n) {
			d.Days = n
		} else if code == http.StatusOK {
			code, d.Error = http.StatusBadRequest, "The chart covers 30, 90 or 365 days."
		}
	}
	rs := s.store
	hist, err := rs.RateHistory(ctx, tab.Source, d.ChartCode, tab.Date.AddDate(0, 0, -d.Days+1), tab.Date)
	if err != nil {
		return nil, 0, err
	}
	d.Chart = drawChart(lang, hist, d.ChartCode, tab.Base, d.Days)
	return d, code, nil
}

// Box is the home page's small converter block.
type Box struct {
	SourceName, Base, Date, DateText, Note string
	Rows                                   []rateRow
}

// HomeRates fills the home page's block in lang, or nil when no rates are
// stored.
func (s *Handler) HomeRates(ctx context.Context, lang i18n.Lang) (*Box, error) {
	rec, _, err := s.pickRates(ctx, url.Values{})
	if dateline.ErrorCode(err) == dateline.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	tab := rates.FromRecord(rec)
	b := &Box{SourceName: rates.SourceName(tab.Source), Base: tab.Base, Date: tab.Date.Format(time.DateOnly),
		DateText: i18n.DateYear(lang, tab.Date), Note: rec.Note}
	for _, c := range rates.Main {
		if x, ok := tab.Rates[c]; ok && len(b.Rows) < 4 {
			b.Rows = append(b.Rows, rateRow{Code: c, Name: rates.Name(c), Rate: rates.Round(x.PerUnit, rates.RatePlaces)})
		}
	}
	return b, nil
}
