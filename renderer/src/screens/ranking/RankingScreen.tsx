import { useEffect, useState } from 'react';
import type { BoardRules } from '@protocol/api';
import { fill, useT } from '../../i18n';
import { durationText, formatDateTime } from '../../lib/time';
import { useLive } from '../../stores/live-store';
import { PAGE_SIZE, useRanking } from '../../stores/ranking-store';
import { useRoute } from '../../stores/route-store';
import { errorText } from '../../i18n/host-errors';

/** Boards move on at each mark; an open board is read again this often (ms). */
const REFRESH_MS = 15_000;
import { PeriodTabs } from './PeriodTabs';
import { RankingTable } from './RankingTable';
import './ranking.css';

/** The nickname search, sent a moment after typing stops so each key press is not a request. */
function RankingSearch() {
  const t = useT();
  const search = useRanking((s) => s.search);
  const [text, setText] = useState(search);
  useEffect(() => {
    if (text === useRanking.getState().search) return;
    const timer = setTimeout(() => useRanking.getState().setSearch(text), 250);
    return () => clearTimeout(timer);
  }, [text]);
  return (
    <label className="ranking-search">
      <span className="visually-hidden">{t('ranking.search')}</span>
      <input
        type="search"
        placeholder={t('ranking.search')}
        aria-label={t('ranking.search')}
        value={text}
        maxLength={20}
        onChange={(e) => setText(e.target.value)}
      />
    </label>
  );
}

function Pager({ total, offset }: { total: number; offset: number }) {
  const t = useT();
  const setOffset = useRanking((s) => s.setOffset);
  if (total <= PAGE_SIZE) return null;
  const last = Math.min(total, offset + PAGE_SIZE);
  return (
    <nav className="pager" aria-label={t('ranking.pages')}>
      <button
        type="button"
        className="button small"
        disabled={offset === 0}
        onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
      >
        {t('ranking.prev')}
      </button>
      <span className="muted">
        {t('ranking.range')
          .replace('{from}', String(offset + 1))
          .replace('{to}', String(last))
          .replace('{total}', String(total))}
      </span>
      <button
        type="button"
        className="button small"
        disabled={last >= total}
        onClick={() => setOffset(offset + PAGE_SIZE)}
      >
        {t('ranking.next')}
      </button>
    </nav>
  );
}

/** An empty board says what it takes to appear on it, as the server is configured. */
function EmptyBoardRules({ rules }: { rules: BoardRules }) {
  const t = useT();
  return (
    <div className="panel-state muted" role="note" data-empty-board="">
      <div>
        <p>{t('ranking.emptyRules')}</p>
        <ul className="board-rules">
          {rules.minTrades > 0 && (
            <li>{fill(t(rules.minTrades === 1 ? 'ranking.rule.trade' : 'ranking.rule.trades'), rules.minTrades)}</li>
          )}
          {rules.minAccountAgeMs > 0 && <li>{fill(t('ranking.rule.age'), durationText(rules.minAccountAgeMs, t))}</li>}
        </ul>
        <p>{fill(t('ranking.rule.mark'), durationText(rules.markIntervalMs, t))}</p>
      </div>
    </div>
  );
}

/** What the board area shows: the table, or why there is none. */
function BoardBody() {
  const t = useT();
  const { board, status, error, sort, order, search, sortBy, load } = useRanking();
  const me = useLive((s) => s.status?.account?.nickname);
  const go = useRoute((s) => s.go);
  if (!board && status !== 'error') {
    return (
      <div className="panel-state" aria-busy="true">
        <span className="spinner" aria-hidden="true" />
        {t('loading')}
      </div>
    );
  }
  if (status === 'error' && error) {
    return (
      <div className="panel-state error" role="alert">
        <span>{errorText(error, t)}</span>
        <button type="button" className="link-button" onClick={() => void load()}>
          {t('panel.retry')}
        </button>
        {error.code === 'OFFLINE' && (
          <button type="button" className="link-button" onClick={() => go('settings')}>
            {t('live.gate.settings')}
          </button>
        )}
      </div>
    );
  }
  if (!board || board.rows.length === 0) {
    if (search.trim()) return <div className="panel-state muted">{fill(t('ranking.noMatch'), search.trim())}</div>;
    return board?.rules ? (
      <EmptyBoardRules rules={board.rules} />
    ) : (
      <div className="panel-state muted">{t('ranking.empty')}</div>
    );
  }
  return (
    <div className="scroll" aria-busy={status === 'loading'}>
      <RankingTable rows={board.rows} sort={sort} order={order} me={me} onSort={sortBy} />
    </div>
  );
}

export function RankingScreen() {
  const t = useT();
  const { period, setPeriod, board, offset, status } = useRanking();
  const connection = useLive((s) => s.status?.connection);
  useEffect(() => {
    void useRanking.getState().load();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void useRanking.getState().load();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  // Coming back online (or signing in) is a reason to read the board again.
  useEffect(() => {
    if (connection === 'online' || connection === 'signed_out') void useRanking.getState().load();
  }, [connection]);
  return (
    <section className="screen ranking" aria-labelledby="screen-title">
      <div className="screen-head">
        <h1 id="screen-title">{t('nav.ranking')}</h1>
        <p className="muted">{t('ranking.intro')}</p>
      </div>
      <div className="panel ranking-panel">
        <div className="panel-head ranking-toolbar">
          <PeriodTabs value={period} onChange={setPeriod} />
          <RankingSearch />
          <span className="muted as-of">{board?.asOf ? fill(t('ranking.asOf'), formatDateTime(board.asOf)) : ''}</span>
          <button
            type="button"
            className="button small"
            onClick={() => void useRanking.getState().load()}
            disabled={status === 'loading'}
          >
            {t('ranking.refresh')}
          </button>
        </div>
        {board?.sortedWithin !== undefined && (
          <p className="muted small-note notice">{fill(t('ranking.sortedWithin'), board.sortedWithin)}</p>
        )}
        <BoardBody />
        {board && <Pager total={board.total} offset={offset} />}
      </div>
    </section>
  );
}
