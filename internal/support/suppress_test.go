package support

import (
	"strings"
	"testing"
	"time"
)

func TestSuppressionPolicy(t *testing.T) {
	date := time.Date(2019, 4, 30, 7, 0, 14, 0, time.UTC)
	long := strings.Repeat("x", 250)
	for _, tc := range []struct {
		name     string
		b        Bounce
		suppress bool
		reason   string
	}{
		{"permanent", Bounce{Address: "bea@example.test", Campaign: "c", MessageID: "b1@mx", Permanent: true, Status: "5.1.1", Diagnostic: "550 User unknown"},
			true, "bounce <b1@mx>: 5.1.1 550 User unknown"},
		{"permanent without Message-ID", Bounce{Address: "bea@example.test", Campaign: "c", Date: date, Permanent: true, Status: "5.0.0"},
			true, "bounce without Message-ID of 2019-04-30T07:00:14Z: 5.0.0"},
		{"first temporary", Bounce{Address: "c@example.test", Campaign: "c", MessageID: "t1@mx", Status: "4.2.2", TempBounces: 1}, false, ""},
		{"second temporary", Bounce{Address: "c@example.test", Campaign: "c", MessageID: "t2@mx", Status: "4.2.2", TempBounces: 2}, false, ""},
		{"third temporary", Bounce{Address: "c@example.test", Campaign: "ofn-v2-2019", MessageID: "t3@mx", Status: "4.2.2", Diagnostic: "452 Mailbox full", TempBounces: 3},
			true, "3 temporary bounces in ofn-v2-2019, the last <t3@mx>: 4.2.2 452 Mailbox full"},
		{"fourth temporary", Bounce{Address: "c@example.test", Campaign: "c", MessageID: "t4@mx", Status: "4.2.2", TempBounces: 4},
			true, "4 temporary bounces in c, the last <t4@mx>: 4.2.2"},
		{"long diagnostic cut", Bounce{Address: "d@example.test", Campaign: "c", MessageID: "p@mx", Permanent: true, Status: "5.7.1", Diagnostic: long},
			true, "bounce <p@mx>: 5.7.1 " + long[:200] + "…"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reason, ok := suppressionPolicy(tc.b, DefaultTempBounceLimit)
			if ok != tc.suppress || reason != tc.reason {
				t.Errorf("suppressionPolicy(%+v) = %q, %v, want %q, %v", tc.b, reason, ok, tc.reason, tc.suppress)
			}
		})
	}
}
