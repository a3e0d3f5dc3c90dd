import type { ComponentType } from 'react';
import type { ViewId } from '../../store/types.js';
import { AnalysesView } from './AnalysesView.js';
import { AssetsView } from './AssetsView.js';
import { EmbeddingsView } from './EmbeddingsView.js';
import { EventsView } from './EventsView.js';
import { FailuresView } from './FailuresView.js';
import { IndexingView } from './IndexingView.js';
import { UploadsView } from './UploadsView.js';
import type { ViewProps } from './view-props.js';

export const VIEW_COMPONENTS: Readonly<Record<ViewId, ComponentType<ViewProps>>> = {
  uploads: UploadsView,
  assets: AssetsView,
  indexing: IndexingView,
  embeddings: EmbeddingsView,
  analyses: AnalysesView,
  events: EventsView,
  failures: FailuresView,
};
