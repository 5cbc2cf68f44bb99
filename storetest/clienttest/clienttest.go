// Package clienttest is the storage suite of the agency's business around
// its site: clients, products and their people, push delivery, email,
// the client portal, sources that push in (Superdesk), readers'
// subscriptions and client alerts. storetest.Run runs it on every engine;
// its Fill functions put rows in every table for the move and backup
// tests.
package clienttest

import "dateline/storetest/kit"

// The shared steps of the suites, by the short names the tests use.
var (
	ctx      = kit.Ctx
	base     = kit.Base
	article  = kit.Article
	wire     = kit.Wire
	upsert   = kit.Upsert
	wantCode = kit.WantCode
)

// Tests are the suite's tests.
var Tests = []kit.Test{
	{Name: "Clients", Fn: testClients},
	{Name: "ClientUsers", Fn: testClientUsers},
	{Name: "ClientTokens", Fn: testClientTokens},
	{Name: "Push", Fn: testPush},
	{Name: "Mail", Fn: testMail},
	{Name: "MailClaimsOnce", Fn: testMailClaimsOnce},
	{Name: "Portal", Fn: testPortal},
	{Name: "PushSources", Fn: testSources},
	{Name: "SuperdeskChains", Fn: testSuperdeskChains},
	{Name: "SuperdeskAssetsPrune", Fn: testSuperdeskAssetsPrune},
	{Name: "Newsletters", Fn: testNewsletters},
	{Name: "Alerts", Fn: testAlerts},
}
