import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { navModule } from './modules/nav';
import { homeModule } from './modules/home';
import { signInModule } from './modules/signIn';
import { goldenPathModule } from './modules/goldenPath';

// Every other frontend feature is discovered from package.json
// (app.packages: all in app-config.yaml).
export default createApp({
  features: [
    catalogPlugin,
    navModule,
    homeModule,
    signInModule,
    goldenPathModule,
  ],
});
