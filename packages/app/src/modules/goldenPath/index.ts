import { createFrontendModule } from '@backstage/frontend-plugin-api';
import {
  createFormField,
  FormFieldBlueprint,
} from '@backstage/plugin-scaffolder-react/alpha';

/** Form fields of the golden-path templates (templates/). */
const serviceNameField = FormFieldBlueprint.make({
  name: 'service-name-picker',
  params: {
    field: async () => {
      const { ServiceNamePicker, serviceNameValidation } = await import(
        './ServiceNamePicker'
      );
      return createFormField({
        name: 'ServiceNamePicker',
        component: ServiceNamePicker,
        validation: serviceNameValidation,
      });
    },
  },
});

export const goldenPathModule = createFrontendModule({
  pluginId: 'scaffolder',
  extensions: [serviceNameField],
});
