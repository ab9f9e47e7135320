/**
 * Cloud sync as the UI shows it: the status (read once, then followed through `cloud.status`), the account's
 * devices (read when the Devices list opens, and again after the account changes), the practice history of
 * every device, and the download of my data. Refusals come back as values, nothing is thrown.
 */
import { create } from 'zustand';
import type { CloudDevice, CloudPracticeRow, CloudStatus } from '@protocol/cloud-api';
import { api } from '../api';
import { hostError, type HostError } from './live-store';

interface CloudState {
  status: CloudStatus | null;
  devices: CloudDevice[] | null;
  devicesError: HostError | null;
  practice: CloudPracticeRow[] | null;
  loadStatus(): Promise<void>;
  loadDevices(): Promise<void>;
  signOutDevice(id: string): Promise<void>;
  loadPractice(): Promise<void>;
  syncNow(): Promise<void>;
  /** Everything synced, as the host writes it: the file's name and text, and how many fields it holds. */
  download(): Promise<{ filename: string; json: string; changes: number } | HostError>;
}

export const useCloud = create<CloudState>((set) => ({
  status: null,
  devices: null,
  devicesError: null,
  practice: null,
  async loadStatus() {
    try {
      set({ status: await api.invoke('cloud.status', {}) });
    } catch {
      // the status bar keeps what it showed; the next push corrects it
    }
  },
  async loadDevices() {
    try {
      set({ devices: (await api.invoke('cloud.devices', {})).items, devicesError: null });
    } catch (err) {
      set({ devices: null, devicesError: hostError(err) });
    }
  },
  async signOutDevice(id) {
    try {
      set({ devices: (await api.invoke('cloud.signOutDevice', { id })).items, devicesError: null });
    } catch (err) {
      set({ devicesError: hostError(err) });
    }
  },
  async loadPractice() {
    try {
      set({ practice: (await api.invoke('cloud.practiceHistory', { limit: 50 })).items });
    } catch {
      set({ practice: [] });
    }
  },
  async syncNow() {
    try {
      set({ status: await api.invoke('cloud.syncNow', {}) });
    } catch {
      // the status push says what happened
    }
  },
  async download() {
    try {
      return await api.invoke('cloud.export', {});
    } catch (err) {
      return hostError(err);
    }
  },
}));

api.onEvent((event) => {
  if (event.name === 'cloud.status') useCloud.setState({ status: event.payload });
});
