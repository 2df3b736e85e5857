// The panel's public face for the rest of the extension.
export { MinionsPanel, registerPanelSerializer, type PanelActions, type PanelHost } from './panel';
export { RunRecorder, type RunSink } from './recorder';
export { createShownRunStore, createWorkspaceHistoryStorage } from './history-storage';
