// GET /admin: the audience and how the latest digests went, as charts with
// their figures in tables.
import { listDigests } from '../../digest/digest-service.js';
import { collectStats } from '../../admin/stats.js';
import { activeSubscribersPerDay, deliveryFiguresByPeriod } from '../../admin/trend-stats.js';
import type { AppDeps } from '../app.js';
import { html } from '../pages/html.js';
import { renderChart } from './charts.js';
import { percent, progressBar, statusBadge } from './format.js';
import { renderConsolePage } from './layout.js';
import type { ConsoleRoute } from './route.js';

const DAYS = 90;
const PERIODS = 14;

export function dashboardPage(deps: AppDeps): ConsoleRoute[] {
  return [
    {
      method: 'get',
      path: '/',
      area: 'stats',
      handle: async ({ res, session }) => {
        const [stats, active, periods, digests] = await Promise.all([
          collectStats(deps.db, { days: DAYS }),
          activeSubscribersPerDay(deps.db, { days: DAYS }),
          deliveryFiguresByPeriod(deps.db, PERIODS),
          listDigests(deps.db, { limit: 5 }),
        ]);
        const byStatus = Object.entries(stats.subscribers.byStatus);
        const labels = stats.signupsPerDay.map((d) => d.day);
        const body = html`<h1>Dashboard</h1>
<section aria-labelledby="status-h"><h2 id="status-h">Subscribers by status</h2>
<ul class="stat-tiles">${byStatus.map(([status, count]) => html`<li><span class="stat-value">${count}</span> ${statusBadge(status)}</li>`)}</ul></section>
<div class="chart-grid-2">
<section aria-labelledby="signups-h"><h2 id="signups-h">Sign-ups per day</h2>
${renderChart({ id: 'signups', kind: 'bars', labelName: 'Day', title: `Sign-ups per day, last ${DAYS} days`, description: `New subscribers per UTC day; ${stats.signupsPerDay.reduce((n, d) => n + d.count, 0)} in all.`, labels, series: [{ name: 'Sign-ups', tone: 'chart-a', values: stats.signupsPerDay.map((d) => d.count) }] })}
</section>
<section aria-labelledby="active-h"><h2 id="active-h">Active subscribers</h2>
${renderChart({ id: 'active', kind: 'line', labelName: 'Day', title: `Active subscribers, last ${DAYS} days`, description: `Confirmed subscribers who had not left, at the end of each UTC day; ${active.at(-1)?.count ?? 0} today.`, labels: active.map((d) => d.day), series: [{ name: 'Active', tone: 'chart-b', values: active.map((d) => d.count) }] })}
</section>
</div>
<section aria-labelledby="periods-h"><h2 id="periods-h">Deliveries per period</h2>
${renderChart({
  id: 'periods',
  kind: 'stacked',
  labelName: 'Period',
  title: `Deliveries of the last ${PERIODS} periods`,
  description: 'Emails sent, failed and skipped for each digest period.',
  labels: periods.map((p) => p.period),
  series: [
    { name: 'Sent', tone: 'chart-b', values: periods.map((p) => p.sent) },
    { name: 'Failed', tone: 'chart-c', values: periods.map((p) => p.failed) },
    { name: 'Skipped', tone: 'chart-a', values: periods.map((p) => p.skipped) },
  ],
})}
<div class="table-scroll"><table><caption>Bounce and complaint rates per period</caption>
<thead><tr><th scope="col">Period</th><th scope="col">Sent</th><th scope="col">Failed</th><th scope="col">Skipped</th><th scope="col">Bounce rate</th><th scope="col">Complaint rate</th></tr></thead>
<tbody>${periods.map((p) => html`<tr><th scope="row">${p.period}</th><td>${p.sent}</td><td>${p.failed}</td><td>${p.skipped}</td><td>${percent(p.bounceRate)}</td><td>${percent(p.complaintRate)}</td></tr>`)}</tbody></table></div>
</section>
<section aria-labelledby="latest-h"><h2 id="latest-h">Latest digests</h2>
${digests.length ? html`<ul class="digest-list">${digests.map((d) => html`<li><a href="/admin/digests/${d.id}">${d.period}</a> ${statusBadge(d.status)} ${progressBar(d, `Progress of ${d.period}`)} <span class="muted">${d.sent} sent of ${d.planned}</span></li>`)}</ul>` : html`<p class="muted">No digest yet.</p>`}
</section>`;
        res.type('html').send(renderConsolePage(session, { title: 'Dashboard', section: 'dashboard' }, body));
      },
    },
  ];
}
