package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"

	_ "modernc.org/sqlite"
	"dateline/sqlite"
)

func main() {
	ctx := context.Background()
	path := "/tmp/eng-plan.db"
	os.Remove(path)
	db, err := sqlite.Open(ctx, path)
	if err != nil { panic(err) }
	db.Close()
	c, _ := sql.Open("sqlite", path)
	for _, q := range os.Args[1:] {
		fmt.Println("==", q)
		rows, err := c.Query("EXPLAIN QUERY PLAN " + q)
		if err != nil { fmt.Println(err); continue }
		for rows.Next() { var id, parent, nu int; var d string; rows.Scan(&id, &parent, &nu, &d); fmt.Println(id, parent, d) }
		rows.Close()
	}
	var v string; c.QueryRow("select sqlite_version()").Scan(&v); fmt.Println(v)
}
