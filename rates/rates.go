// Package rates reads official daily exchange rates, the Bank of Russia's
// XML_daily (base RUB) and the ECB's euro reference rates (base EUR), and
// converts amounts through them exactly, with math/big.Rat.
//
// Every rate is kept as the exact quotient of the published decimals, so
// Value/Nominal for the Bank of Russia and 1/rate for the ECB lose nothing;
// rounding happens only when a number is formatted with Round.
package rates

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html/charset"

	"dateline"
)

// MaxSize is the largest document Parse accepts, in bytes. A daily file is a
// few kilobytes; the limit stops a wrong URL from feeding us a huge body.
const MaxSize = 1 << 20

// Default numbers of decimals for Round.
const (
	RatePlaces   = 4 // rates and cross rates
	AmountPlaces = 2 // converted amounts
)

// Sources and their base currencies.
const (
	SourceCBR = "cbr"
	SourceECB = "ecb"
	BaseCBR   = "RUB"
	BaseECB   = "EUR"
)

// Table is one day's rates from one source.
type Table struct {
	Source string    // SourceCBR or SourceECB
	Base   string    // BaseCBR or BaseECB
	Date   time.Time // the civil date of the rates, at UTC midnight
	Rates  map[string]Rate
}

// Rate is the rate of one currency against a table's base.
type Rate struct {
	Code    string // ISO 4217, 3 ASCII upper-case letters
	Name    string // the source's name for it (Bank of Russia only, in Russian)
	Nominal int64  // units of the currency the published figure is for; 1 for the ECB
	// Published is the figure as printed: for the Bank of Russia the price
	// of Nominal units in RUB ("90,1234"), for the ECB units of the currency
	// per 1 EUR ("1.0512"). Kept for audit and display.
	Published string
	// PerUnit is units of the base per ONE unit of the currency, exact.
	PerUnit *big.Rat
}

// Error is a problem with a rates document or a conversion request. Its
// Message is one line that is safe to show; it never quotes more than a few
// characters of the input. Code is a dateline error code (dateline.EINVALID,
// dateline.ETOOLARGE, dateline.ENOTFOUND).
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return "rates: " + e.Message }

func errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Parse reads a Bank of Russia XML_daily document (root ValCurs, any declared
// encoding, windows-1251 in practice) or an ECB eurofxref-daily document
// (root gesmes:Envelope) and returns its table.
//
// It returns an *Error with code dateline.ETOOLARGE for input over MaxSize,
// and with code dateline.EINVALID when the input is not well-formed XML, has
// an unknown root, a missing or bad date, a bad currency code, a bad number,
// a zero or negative nominal or value, a currency listed twice or no rates.
func Parse(data []byte) (*Table, error) {
	if len(data) > MaxSize {
		return nil, errorf(dateline.ETOOLARGE, "rates document is over %d bytes", MaxSize)
	}
	// Some servers prefix UTF-8 with a byte order mark, which encoding/xml
	// would take for text before the root.
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = charset.NewReaderLabel
	root, err := firstElement(d)
	if err != nil {
		return nil, err
	}
	var t *Table
	switch {
	case root.Name.Local == "ValCurs" && root.Name.Space == "":
		t, err = parseCBR(d, root)
	case root.Name.Local == "Envelope" && root.Name.Space == "http://www.gesmes.org/xml/2002-08-01":
		t, err = parseECB(d, root)
	default:
		return nil, errorf(dateline.EINVALID, "unknown rates document: root element %s", clip(root.Name.Local))
	}
	if err != nil {
		return nil, err
	}
	// Whatever follows the root must still be well-formed (comments, space).
	for {
		if _, err := d.Token(); err == io.EOF {
			break
		} else if err != nil {
			return nil, notXML(err)
		}
	}
	if len(t.Rates) == 0 {
		return nil, errorf(dateline.EINVALID, "rates document has no rates")
	}
	return t, nil
}

func firstElement(d *xml.Decoder) (xml.StartElement, error) {
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return xml.StartElement{}, errorf(dateline.EINVALID, "not an XML document: no root element")
		}
		if err != nil {
			return xml.StartElement{}, notXML(err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			return tok, nil
		case xml.CharData:
			if len(bytes.TrimSpace(tok)) > 0 {
				return xml.StartElement{}, errorf(dateline.EINVALID, "not an XML document: text before the root element")
			}
		}
	}
}

// notXML hides the decoder's message, which may quote the input, behind a
// fixed one; the line number is enough to find the fault.
func notXML(err error) *Error {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return errorf(dateline.EINVALID, "not well-formed XML at line %d", se.Line)
	}
	if err == io.ErrUnexpectedEOF {
		return errorf(dateline.EINVALID, "not well-formed XML: document is truncated")
	}
	return errorf(dateline.EINVALID, "not well-formed XML")
}

type cbrDoc struct {
	Date    *string `xml:"Date,attr"`
	Valutes []struct {
		CharCode  string  `xml:"CharCode"`
		Nominal   string  `xml:"Nominal"`
		Name      string  `xml:"Name"`
		Value     string  `xml:"Value"`
		VunitRate *string `xml:"VunitRate"`
	} `xml:"Valute"`
}

func parseCBR(d *xml.Decoder, root xml.StartElement) (*Table, error) {
	var doc cbrDoc
	if err := d.DecodeElement(&doc, &root); err != nil {
		return nil, notXML(err)
	}
	date, err := parseDate(doc.Date, "02.01.2006")
	if err != nil {
		return nil, err
	}
	t := &Table{Source: SourceCBR, Base: BaseCBR, Date: date, Rates: map[string]Rate{}}
	for _, v := range doc.Valutes {
		code := strings.TrimSpace(v.CharCode)
		nominal, err := parseNominal(code, v.Nominal)
		if err != nil {
			return nil, err
		}
		value, err := parseNumber(code, "value", v.Value, ',')
		if err != nil {
			return nil, err
		}
		// VunitRate is Value/Nominal rounded by the bank; it must be a sound
		// number, but the exact quotient is what we keep.
		if v.VunitRate != nil {
			if _, err := parseNumber(code, "VunitRate", *v.VunitRate, ','); err != nil {
				return nil, err
			}
		}
		perUnit := new(big.Rat).Quo(value, new(big.Rat).SetInt64(nominal))
		r := Rate{Code: code, Name: strings.TrimSpace(v.Name), Nominal: nominal,
			Published: strings.TrimSpace(v.Value), PerUnit: perUnit}
		if err := t.add(r); err != nil {
			return nil, err
		}
	}
	return t, nil
}

type ecbDoc struct {
	Cube struct {
		Days []struct {
			Time  *string `xml:"time,attr"`
			Rates []struct {
				Currency string `xml:"currency,attr"`
				Rate     string `xml:"rate,attr"`
			} `xml:"Cube"`
		} `xml:"Cube"`
	} `xml:"http://www.ecb.int/vocabulary/2002-08-01/eurofxref Cube"`
}

func parseECB(d *xml.Decoder, root xml.StartElement) (*Table, error) {
	var doc ecbDoc
	if err := d.DecodeElement(&doc, &root); err != nil {
		return nil, notXML(err)
	}
	switch n := len(doc.Cube.Days); {
	case n == 0:
		return nil, errorf(dateline.EINVALID, "missing date: no Cube with a time attribute")
	case n > 1:
		// The 90-day and historical files hold many days; a Table is one day.
		return nil, errorf(dateline.EINVALID, "rates document holds %d dates; only the daily file is supported", n)
	}
	day := doc.Cube.Days[0]
	date, err := parseDate(day.Time, "2006-01-02")
	if err != nil {
		return nil, err
	}
	t := &Table{Source: SourceECB, Base: BaseECB, Date: date, Rates: map[string]Rate{}}
	for _, c := range day.Rates {
		code := strings.TrimSpace(c.Currency)
		perBase, err := parseNumber(code, "rate", c.Rate, '.')
		if err != nil {
			return nil, err
		}
		r := Rate{Code: code, Nominal: 1, Published: strings.TrimSpace(c.Rate),
			PerUnit: new(big.Rat).Inv(perBase)}
		if err := t.add(r); err != nil {
			return nil, err
		}
	}
	return t, nil
}

func (t *Table) add(r Rate) error {
	if !validCode(r.Code) {
		return errorf(dateline.EINVALID, "bad currency code %q: want 3 letters A-Z", clip(r.Code))
	}
	if r.Code == t.Base {
		return errorf(dateline.EINVALID, "rate given for the base currency %s", r.Code)
	}
	if _, dup := t.Rates[r.Code]; dup {
		return errorf(dateline.EINVALID, "duplicate currency %s", r.Code)
	}
	t.Rates[r.Code] = r
	return nil
}

func parseDate(s *string, layout string) (time.Time, error) {
	if s == nil || strings.TrimSpace(*s) == "" {
		return time.Time{}, errorf(dateline.EINVALID, "missing date")
	}
	d, err := time.Parse(layout, strings.TrimSpace(*s))
	if err != nil {
		return time.Time{}, errorf(dateline.EINVALID, "bad date %q: want %s", clip(*s), layout)
	}
	return d, nil
}

func parseNominal(code, s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return 0, errorf(dateline.EINVALID, "bad nominal %q for %s", clip(s), clip(code))
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, errorf(dateline.EINVALID, "bad nominal %q for %s", clip(s), clip(code))
	}
	if n <= 0 {
		return 0, errorf(dateline.EINVALID, "nominal for %s must be positive", clip(code))
	}
	return n, nil
}

// maxDigits bounds a published figure; real ones have under 15 characters.
const maxDigits = 40

// parseNumber reads a plain positive decimal: digits, at most one sep and
// digits after it. No sign, exponent or fraction slash, which big.Rat's
// SetString would otherwise accept.
func parseNumber(code, what, s string, sep byte) (*big.Rat, error) {
	s = strings.TrimSpace(s)
	bad := func() (*big.Rat, error) {
		return nil, errorf(dateline.EINVALID, "bad %s %q for %s", what, clip(s), clip(code))
	}
	if s == "" || len(s) > maxDigits {
		return bad()
	}
	seps := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
		case c == sep && seps == 0 && i > 0 && i < len(s)-1:
			seps++
		default:
			return bad()
		}
	}
	r, ok := new(big.Rat).SetString(strings.Replace(s, string(sep), ".", 1))
	if !ok {
		return bad()
	}
	if r.Sign() <= 0 {
		return nil, errorf(dateline.EINVALID, "%s for %s must be positive", what, clip(code))
	}
	return r, nil
}

// clip keeps quoted input short, so a message stays one readable line.
func clip(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 16 {
		return string(r[:16]) + "…"
	}
	return s
}

func validCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// PerUnit returns units of t's base per one unit of code; the base itself
// is 1. The result is a copy. It returns an *Error with code
// dateline.EINVALID for a malformed code and dateline.ENOTFOUND for a code
// the table does not list.
func (t *Table) PerUnit(code string) (*big.Rat, error) {
	if !validCode(code) {
		return nil, errorf(dateline.EINVALID, "bad currency code %q: want 3 letters A-Z", clip(code))
	}
	if code == t.Base {
		return big.NewRat(1, 1), nil
	}
	r, ok := t.Rates[code]
	if !ok {
		return nil, errorf(dateline.ENOTFOUND, "no %s rate in the %s table of %s", code, t.Source, t.Date.Format(time.DateOnly))
	}
	return new(big.Rat).Set(r.PerUnit), nil
}

// Convert returns amount of currency from expressed in currency to, crossing
// through t's base: amount × PerUnit(from) / PerUnit(to). The result is exact;
// format it with Round(result, AmountPlaces). It returns an *Error for a nil
// table or amount, a malformed code (dateline.EINVALID) or a currency the
// table does not list (dateline.ENOTFOUND).
func Convert(t *Table, from, to string, amount *big.Rat) (result *big.Rat, err error) {
	if t == nil {
		return nil, errorf(dateline.EINVALID, "no rates table")
	}
	if amount == nil {
		return nil, errorf(dateline.EINVALID, "no amount to convert")
	}
	f, err := t.PerUnit(from)
	if err != nil {
		return nil, err
	}
	to1, err := t.PerUnit(to)
	if err != nil {
		return nil, err
	}
	// Parse guarantees every rate is positive, so to1 is never zero; a table
	// built by hand might not be.
	if to1.Sign() <= 0 || f.Sign() <= 0 {
		return nil, errorf(dateline.EINVALID, "rate for %s or %s is not positive", from, to)
	}
	result = new(big.Rat).Mul(amount, f)
	return result.Quo(result, to1), nil
}

// Round formats x with exactly places decimals (negative places count as 0),
// rounding half away from zero: 0.125 → "0.13", -0.125 → "-0.13", 2.675 →
// "2.68" (x is exact, so there is no binary-float surprise). A result that
// rounds to zero is written without a sign ("0.00"). A nil x counts as 0.
// Use RatePlaces (4) for rates and AmountPlaces (2) for amounts.
func Round(x *big.Rat, places int) string {
	if places < 0 {
		places = 0
	}
	if x == nil {
		x = new(big.Rat)
	}
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(places)), nil)
	num := new(big.Int).Mul(new(big.Int).Abs(x.Num()), scale)
	q, r := new(big.Int).QuoRem(num, x.Denom(), new(big.Int))
	if r.Lsh(r, 1).Cmp(x.Denom()) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	digits := q.String()
	if len(digits) <= places {
		digits = strings.Repeat("0", places-len(digits)+1) + digits
	}
	s := digits
	if places > 0 {
		s = digits[:len(digits)-places] + "." + digits[len(digits)-places:]
	}
	if x.Sign() < 0 && q.Sign() != 0 {
		s = "-" + s
	}
	return s
}
