import { createContext, useContext } from 'react';

/** Semantic colours; components never name a raw colour. `undefined` means the terminal default. */
export interface Theme {
  readonly monochrome: boolean;
  readonly accent?: string;
  readonly muted?: string;
  readonly selectedBackground?: string;
  readonly selectedForeground?: string;
  readonly ok?: string;
  readonly running?: string;
  readonly waiting?: string;
  readonly failed?: string;
  readonly warning?: string;
  readonly demo?: string;
}

export const colorTheme: Theme = {
  monochrome: false,
  accent: 'cyan',
  muted: 'gray',
  selectedBackground: 'blue',
  selectedForeground: 'white',
  ok: 'green',
  running: 'cyan',
  waiting: 'yellow',
  failed: 'red',
  warning: 'yellow',
  demo: 'magenta',
};

/** NO_COLOR: no colours at all; selection is shown with inverse video, status with symbols and words. */
export const monochromeTheme: Theme = { monochrome: true };

/** https://no-color.org: any non-empty NO_COLOR disables colour. */
export function themeFromEnv(env: NodeJS.ProcessEnv): Theme {
  return env.NO_COLOR ? monochromeTheme : colorTheme;
}

export const ThemeContext = createContext<Theme>(colorTheme);

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
