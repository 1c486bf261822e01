/** Dependency cycles in a CloudFormation template, as CloudFormation would find them at deploy time (test/infra/deployable.test.ts). */
import { asArray, type Template } from './package';

/** Logical ids a value refers to (`Ref`, `Fn::GetAtt`, `Fn::Sub` names), anywhere inside it. */
export function references(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) references(v, out);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'Ref' && typeof v === 'string') out.add(v);
      else if (key === 'Fn::GetAtt') out.add(Array.isArray(v) ? String(v[0]) : String(v).split('.')[0]!);
      else if (key === 'Fn::Sub') {
        const text = Array.isArray(v) ? String(v[0]) : String(v);
        for (const [, name] of text.matchAll(/\$\{([A-Za-z0-9]+)[.}]/g)) out.add(name!);
        references(v, out);
      } else references(v, out);
    }
  }
  return out;
}

/** The resource ids on a dependency cycle, as CloudFormation would see it (refs and DependsOn). */
export function cycles(template: Template): string[][] {
  const ids = new Set(Object.keys(template.Resources));
  const edges = new Map<string, string[]>();
  for (const [id, resource] of Object.entries(template.Resources)) {
    const deps = [...references(resource.Properties), ...asArray(resource.DependsOn)].filter((d) => ids.has(d) && d !== id);
    edges.set(id, [...new Set(deps)]);
  }
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): void => {
    state.set(id, 'open');
    stack.push(id);
    for (const next of edges.get(id) ?? []) {
      if (state.get(next) === 'open') found.push(stack.slice(stack.indexOf(next)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const id of ids) if (!state.has(id)) visit(id);
  return found;
}
