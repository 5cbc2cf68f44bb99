package currency

import (
	"fmt"
	"html"
	"html/template"
	"math/big"
	"strings"
	"time"

	"dateline"
	"dateline/i18n"
	"dateline/rates"
)

// rateChart is a currency's recent history drawn on the server as SVG, so
// it needs no script.
type rateChart struct {
	Title, Desc string
	Note        string        // set when some days are not official figures
	SVG         template.HTML // nil when there are fewer than two days
	Points      int
}

// Chart geometry, in the SVG's own units; CSS scales it to the width.
const (
	chartW, chartH                         = 640, 240
	chartL, chartR, chartT, chartB         = 100, 16, 14, 38
	chartPlotW, chartPlotH         float64 = chartW - chartL - chartR, chartH - chartT - chartB
)

// drawChart draws code's rate against base over the days up to the last
// point. The line, the axes and their labels are plain SVG elements
// styled by currency.css; the title and description name the figures for
// screen readers.
func drawChart(lang i18n.Lang, ps []dateline.RatePoint, code, base string, days int) *rateChart {
	c := &rateChart{Title: i18n.T(lang, "%s (%s) in %s", i18n.T(lang, rates.Name(code)), code, base) + ", " + i18n.N(lang, "day", days), Points: len(ps)}
	if len(ps) < 2 {
		c.Desc = i18n.T(lang, "Not enough stored days to draw a line.")
		return c
	}
	lo, hi := ps[0].PerUnit, ps[0].PerUnit
	for _, p := range ps {
		if p.Note != "" {
			c.Note = p.Note
		}
		if p.PerUnit.Cmp(lo) < 0 {
			lo = p.PerUnit
		}
		if p.PerUnit.Cmp(hi) > 0 {
			hi = p.PerUnit
		}
	}
	places := rates.RatePlaces
	first, last := ps[0], ps[len(ps)-1]
	c.Desc = i18n.T(lang, "From %s on %s to %s on %s; low %s, high %s.",
		rates.Round(first.PerUnit, places), i18n.DateYear(lang, first.Date), rates.Round(last.PerUnit, places),
		i18n.DateYear(lang, last.Date), rates.Round(lo, places), rates.Round(hi, places))

	flo, _ := lo.Float64()
	fhi, _ := hi.Float64()
	pad := (fhi - flo) * 0.08
	if pad == 0 {
		pad = fhi * 0.01
	}
	ymin, ymax := flo-pad, fhi+pad
	start := last.Date.AddDate(0, 0, -days+1)
	span := last.Date.Sub(start).Hours() / 24
	x := func(t time.Time) float64 { return chartL + chartPlotW*(t.Sub(start).Hours()/24)/span }
	y := func(r *big.Rat) float64 {
		f, _ := r.Float64()
		return chartT + chartPlotH*(ymax-f)/(ymax-ymin)
	}

	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">`, chartW, chartH)
	fmt.Fprintf(&b, `<title id="chart-title">%s</title><desc id="chart-desc">%s</desc>`, html.EscapeString(c.Title), html.EscapeString(c.Desc))
	// Three value lines: the low, the middle and the high.
	mid := new(big.Rat).Add(lo, hi)
	mid.Quo(mid, big.NewRat(2, 1))
	for _, v := range []*big.Rat{lo, mid, hi} {
		yy := y(v)
		fmt.Fprintf(&b, `<line class="grid" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>`, chartL, chartW-chartR, yy, yy)
		fmt.Fprintf(&b, `<text class="tick" x="%d" y="%.1f" text-anchor="end">%s</text>`, chartL-8, yy+4, tickLabel(v))
	}
	// The date axis: the first and last day of the period and its middle.
	fmt.Fprintf(&b, `<line class="axis" x1="%d" x2="%d" y1="%d" y2="%d"/>`, chartL, chartW-chartR, chartH-chartB, chartH-chartB)
	for i, t := range []time.Time{start, start.Add(last.Date.Sub(start) / 2), last.Date} {
		anchor := [3]string{"start", "middle", "end"}[i]
		fmt.Fprintf(&b, `<text class="tick" x="%.1f" y="%d" text-anchor="%s">%s</text>`, x(t), chartH-chartB+24, anchor, html.EscapeString(i18n.Date(lang, t)))
	}
	b.WriteString(`<polyline class="line" points="`)
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%.1f,%.1f", x(p.Date), y(p.PerUnit))
	}
	b.WriteString(`"/>`)
	fmt.Fprintf(&b, `<circle class="dot" cx="%.1f" cy="%.1f" r="4"/>`, x(last.Date), y(last.PerUnit))
	b.WriteString(`</svg>`)
	c.SVG = template.HTML(b.String())
	return c
}

// tickLabel is a value on the axis: 2 decimals from 10 up, 4 below, so
// labels stay short enough to read at phone width (the description under
// the chart gives the exact figures).
func tickLabel(v *big.Rat) string {
	if v.Cmp(big.NewRat(10, 1)) >= 0 {
		return rates.Round(v, 2)
	}
	return rates.Round(v, rates.RatePlaces)
}
