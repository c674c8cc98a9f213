import { definePaper } from '../../src/claims/paper';
import { claim as boundary } from './boundary';

/** The scaling-law claim across the benign-overfitting papers (Cao et al. 2022, Kou et al. 2023, paper A). */
export const paperC = definePaper({
  id: 'C',
  title: 'Benign/harmful overfitting boundary (scaling law)',
  reference: boundary.source.reference,
  claims: [boundary],
});
