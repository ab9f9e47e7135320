import type { replayEn } from './replay-en';

/** 거래소의 지난 구간 리플레이: 입력 양식, 다운로드, 적용 중인 체결 방식. */
export const replayKo: Record<keyof typeof replayEn, string> = {
  'replay.title.history': '{exchange} {markets} · {start} UTC · {length} (거래소 기록)',
  'replay.speed.max': '최대',
  'replay.fill.trades':
    '거래소의 실제 체결을 따라 체결됩니다. 지정가 주문은 가격이 그 가격을 넘어 거래될 때만 체결됩니다.',
  'replay.fill.candle_path':
    '1분봉마다 시가, 가까운 극값, 먼 극값, 종가 순서로 체결됩니다. 지정가 주문은 가격이 그 가격을 넘어 거래될 때만 체결됩니다.',
  'replay.fill.note.TRADES_NOT_PUBLISHED': '거래소가 이 구간의 체결 내역을 공개하지 않습니다.',
  'replay.fill.note.TRADES_WINDOW_TOO_LONG': '체결 내역은 하루 이하의 구간만 내려받습니다.',
  'replay.fill.note.TRADES_TOO_MANY': '이 구간은 체결이 너무 많아 캔들로 재생합니다.',
  'replay.fill.note.TRADES_FAILED': '체결 내역을 내려받지 못해 캔들로 재생합니다.',
  'past.title': '지난 구간 리플레이',
  'past.hint':
    '거래소가 공개하는 구간 데이터(1분봉, 하루 이하 구간은 체결 내역 — 바이낸스는 모든 날, 업비트는 최근 7일)를 내려받아 다음을 위해 보관하고, 시작 지점에서 멈춘 채 재생을 준비합니다.',
  'past.exchange': '거래소',
  'past.market': '마켓',
  'past.start': '시작 (UTC)',
  'past.length': '길이',
  'past.length.1h': '1시간',
  'past.length.6h': '6시간',
  'past.length.1d': '1일',
  'past.length.7d': '7일',
  'past.length.30d': '30일',
  'past.trades': '거래소가 체결 내역을 제공하면 사용',
  'past.go': '내려받아 재생',
  'past.downloading': '{phase} 내려받는 중: {n}%',
  'past.phase.candles': '캔들',
  'past.phase.trades': '체결 내역',
  'past.error': '그 구간을 재생하지 못했습니다: {n}',
};
