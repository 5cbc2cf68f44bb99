package clientadmin

import (
	"cmp"
	"context"
	"encoding/csv"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"dateline"
)

// usageStore is what the usage pages read.
type usageStore interface {
	ClientList(ctx context.Context) ([]dateline.Client, error)
	ProductList(ctx context.Context) ([]dateline.Product, error)
	UsageOf(ctx context.Context, clientID int64, from, until string) ([]dateline.Usage, error)
}

// usageRow is a client's use of one product in a month.
type usageRow struct {
	ClientID, ProductID        int64
	Client, Product            string
	Delivered, Downloaded, API int64
	Pushed, PushFailed         int64
}

type usagePage struct {
	Month string
	Rows  []usageRow
}

// month reads ?month=YYYY-MM (this month, UTC, when none).
func (s *clientsAdmin) month(r *http.Request) (time.Time, error) {
	v := strings.TrimSpace(r.URL.Query().Get("month"))
	if v == "" {
		now := s.now().UTC()
		return time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC), nil
	}
	m, err := time.Parse("2006-01", v)
	if err != nil || m.Year() < 2000 || m.Year() > 9999 {
		return time.Time{}, dateline.Errorf(dateline.EINVALID, "A month is written as 2027-01.")
	}
	return m, nil
}

// monthUsage is every client's use in the month, by client and product.
func (s *clientsAdmin) monthUsage(ctx context.Context, m time.Time) ([]usageRow, error) {
	cs, err := s.store.ClientList(ctx)
	if err != nil {
		return nil, err
	}
	ps, err := s.store.ProductList(ctx)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{0: "(the client, no one product)"}
	for _, p := range ps {
		names[p.ID] = p.Name
	}
	from, until := m.Format(time.DateOnly), m.AddDate(0, 1, -1).Format(time.DateOnly)
	var rows []usageRow
	for _, c := range cs {
		us, err := s.store.UsageOf(ctx, c.ID, from, until)
		if err != nil {
			return nil, err
		}
		byProduct := map[int64]*usageRow{}
		for _, u := range us {
			row := byProduct[u.ProductID]
			if row == nil {
				name, ok := names[u.ProductID]
				if !ok {
					name = "product " + strconv.FormatInt(u.ProductID, 10) + " (deleted)"
				}
				row = &usageRow{ClientID: c.ID, ProductID: u.ProductID, Client: c.Name, Product: name}
				byProduct[u.ProductID] = row
			}
			switch u.Kind {
			case dateline.UsageDelivered:
				row.Delivered += u.Count
			case dateline.UsageDownloaded:
				row.Downloaded += u.Count
			case dateline.UsageAPI:
				row.API += u.Count
			case dateline.UsagePushed:
				row.Pushed += u.Count
			case dateline.UsagePushFailed:
				row.PushFailed += u.Count
			}
		}
		for _, row := range byProduct {
			rows = append(rows, *row)
		}
	}
	slices.SortFunc(rows, func(a, b usageRow) int {
		return cmp.Or(cmp.Compare(a.Client, b.Client), cmp.Compare(a.ClientID, b.ClientID), cmp.Compare(a.ProductID, b.ProductID))
	})
	return rows, nil
}

// handleUsage is GET /newsroom/usage?month=YYYY-MM: the month's table.
func (s *clientsAdmin) handleUsage(w http.ResponseWriter, r *http.Request) error {
	m, err := s.month(r)
	if err != nil {
		return err
	}
	rows, err := s.monthUsage(r.Context(), m)
	if err != nil {
		return err
	}
	s.Render(w, r, http.StatusOK, "usage", &View{Title: "Usage", Nav: "usage", Data: usagePage{Month: m.Format("2006-01"), Rows: rows}})
	return nil
}

// handleUsageCSV is GET /newsroom/usage.csv?month=YYYY-MM: the month's
// table for billing, one row per client and product.
func (s *clientsAdmin) handleUsageCSV(w http.ResponseWriter, r *http.Request) error {
	m, err := s.month(r)
	if err != nil {
		return err
	}
	rows, err := s.monthUsage(r.Context(), m)
	if err != nil {
		return err
	}
	month := m.Format("2006-01")
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="dateline-usage-`+month+`.csv"`)
	cw := csv.NewWriter(w)
	cw.Write([]string{"month", "client_id", "client", "product_id", "product", "delivered", "downloaded", "api_requests", "pushed", "push_failed"})
	for _, row := range rows {
		cw.Write([]string{month, strconv.FormatInt(row.ClientID, 10), csvSafe(row.Client), strconv.FormatInt(row.ProductID, 10), csvSafe(row.Product),
			strconv.FormatInt(row.Delivered, 10), strconv.FormatInt(row.Downloaded, 10), strconv.FormatInt(row.API, 10),
			strconv.FormatInt(row.Pushed, 10), strconv.FormatInt(row.PushFailed, 10)})
	}
	cw.Flush()
	return nil
}

// csvSafe keeps a name from being read as a formula by a spreadsheet.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
