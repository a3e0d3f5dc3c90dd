import { Box, Text } from 'ink';
import { Component, type ReactNode } from 'react';
import { sanitize } from './sanitize.js';
import { type Theme, ThemeContext } from './theme.js';

interface Props {
  /** changing it (e.g. the view id) clears a caught error */
  resetKey: string;
  children: ReactNode;
}

interface State {
  error?: string;
  resetKey: string;
}

/** A view that throws while rendering shows one line instead of taking the dashboard down. */
export class ErrorBoundary extends Component<Props, State> {
  static override contextType = ThemeContext;
  declare context: Theme;
  override state: State = { resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    const message = error instanceof Error ? error.message : String(error);
    return { error: sanitize(message.split('\n')[0]) || 'unknown error' };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    return props.resetKey === state.resetKey ? null : { error: undefined, resetKey: props.resetKey };
  }

  override render() {
    if (this.state.error === undefined) return this.props.children;
    return (
      <Box flexDirection="column">
        <Text color={this.context.failed} wrap="truncate">
          ✗ this view failed to render: {this.state.error}
        </Text>
        <Text wrap="truncate">switch view (1-6) or quit (q); the rest of the dashboard keeps running</Text>
      </Box>
    );
  }
}
