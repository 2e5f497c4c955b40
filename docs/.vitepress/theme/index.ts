import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import AsciinemaCast from './AsciinemaCast.vue';
import CategoryIndex from './CategoryIndex.vue';
import 'asciinema-player/dist/bundle/asciinema-player.css';
import './custom.css';

/** The default theme plus the two components pages use: recorded terminal sessions and category indexes. */
export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('AsciinemaCast', AsciinemaCast);
    app.component('CategoryIndex', CategoryIndex);
  },
} satisfies Theme;
