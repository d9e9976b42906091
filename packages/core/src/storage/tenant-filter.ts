// The tenant filter: a query transformation applied to every query a tenant scope runs, after the
// caller has finished building it (so nothing the caller does to the builder can remove it).
//
// - every table read (FROM, JOIN, UPDATE … FROM, DELETE … USING, sub-queries, unions) is restricted
//   with `<table or alias>.tenant_id = <tenant>`, ANDed in front of the caller's own conditions,
//   which are parenthesised so an `or` in them cannot escape the filter;
// - inserts get `tenant_id = <tenant>` whether or not the caller passed a value (theirs is replaced);
// - `tenant_id` can never be the target of an UPDATE or an upsert's DO UPDATE;
// - an upsert's DO UPDATE only touches the tenant's own rows, even on a conflict with another
//   tenant's row through a globally unique index;
// - constructs the filter cannot reason about (RIGHT/FULL joins, CTEs, INSERT … SELECT, REPLACE,
//   MERGE, raw top-level queries) are refused rather than run unfiltered.
//
// Raw `sql` fragments inside a builder are expressions the transformation cannot see into; domains
// must not hide table references in them (a review rule).
import {
  AliasNode,
  AndNode,
  BinaryOperationNode,
  ColumnNode,
  DeleteQueryNode,
  IdentifierNode,
  InsertQueryNode,
  OnNode,
  OperationNodeTransformer,
  OperatorNode,
  ParensNode,
  PrimitiveValueListNode,
  ReferenceNode,
  SelectQueryNode,
  TableNode,
  UpdateQueryNode,
  ValueListNode,
  ValueNode,
  ValuesNode,
  WhereNode,
  type ColumnUpdateNode,
  type JoinNode,
  type OnConflictNode,
  type KyselyPlugin,
  type OperationNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryId,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import { AuterityError } from '../errors.js';

export const TENANT_COLUMN = 'tenant_id';

function refused(what: string): AuterityError {
  return new AuterityError('internal', `Tenant-scoped queries cannot use ${what}.`);
}

/** The table a FROM/JOIN item reads, as the name its columns are referenced by (alias if any). */
function tableReference(node: OperationNode): TableNode | undefined {
  if (TableNode.is(node)) return node;
  if (AliasNode.is(node) && TableNode.is(node.node) && IdentifierNode.is(node.alias)) {
    return TableNode.create(node.alias.name);
  }
  return undefined;
}

function and(filter: OperationNode, existing: OperationNode | undefined): OperationNode {
  return existing ? AndNode.create(filter, ParensNode.create(existing)) : filter;
}

class TenantFilterTransformer extends OperationNodeTransformer {
  readonly #tenantId: string;
  /** Nodes this transformer produced; a sub-query already filtered is not filtered twice. */
  readonly #done = new WeakSet<OperationNode>();

  constructor(tenantId: string) {
    super();
    this.#tenantId = tenantId;
  }

  #condition(table: TableNode): OperationNode {
    return BinaryOperationNode.create(
      ReferenceNode.create(ColumnNode.create(TENANT_COLUMN), table),
      OperatorNode.create('='),
      ValueNode.create(this.#tenantId),
    );
  }

  /** Conditions for the tables of a FROM/USING list. */
  #conditionsFor(items: readonly OperationNode[] | undefined): OperationNode[] {
    const conditions: OperationNode[] = [];
    for (const item of items ?? []) {
      const table = tableReference(item);
      if (table) conditions.push(this.#condition(table));
    }
    return conditions;
  }

  /** Filters join tables in their ON clause; returns conditions that belong in WHERE instead. */
  #filterJoins(joins: readonly JoinNode[] | undefined): { joins: JoinNode[] | undefined; where: OperationNode[] } {
    if (!joins) return { joins: undefined, where: [] };
    const where: OperationNode[] = [];
    const filtered = joins.map((join) => {
      const table = tableReference(join.table);
      if (!table) return join; // a sub-query or lateral expression: filtered on its own
      switch (join.joinType) {
        case 'InnerJoin':
        case 'LeftJoin':
        case 'LateralInnerJoin':
        case 'LateralLeftJoin':
          return { ...join, on: OnNode.create(and(this.#condition(table), join.on?.on)) } satisfies JoinNode;
        case 'RightJoin':
        case 'FullJoin':
          throw refused(`a ${join.joinType === 'RightJoin' ? 'RIGHT' : 'FULL'} JOIN (it would keep another tenant's rows)`);
        default:
          where.push(this.#condition(table));
          return join;
      }
    });
    return { joins: filtered, where };
  }

  #where(conditions: OperationNode[], existing: WhereNode | undefined): WhereNode | undefined {
    if (conditions.length === 0) return existing;
    const filter = conditions.reduce((left, right) => AndNode.create(left, right));
    return WhereNode.create(and(filter, existing?.where));
  }

  #rejectTenantUpdates(updates: readonly ColumnUpdateNode[] | undefined): void {
    for (const update of updates ?? []) {
      if (ColumnNode.is(update.column) && update.column.column.name === TENANT_COLUMN) {
        throw new AuterityError('internal', `Tenant-scoped queries cannot change ${TENANT_COLUMN}.`);
      }
    }
  }

  #mark<T extends OperationNode>(node: T): T {
    this.#done.add(node);
    return node;
  }

  protected override transformSelectQuery(node: SelectQueryNode, queryId?: QueryId): SelectQueryNode {
    if (this.#done.has(node)) return node;
    if (node.with) throw refused('common table expressions (WITH)');
    const inner = super.transformSelectQuery(node, queryId);
    const joins = this.#filterJoins(inner.joins);
    const conditions = [...this.#conditionsFor(inner.from?.froms), ...joins.where];
    return this.#mark({
      ...inner,
      ...(joins.joins && { joins: joins.joins }),
      ...(conditions.length > 0 && { where: this.#where(conditions, inner.where) }),
    } satisfies SelectQueryNode);
  }

  protected override transformUpdateQuery(node: UpdateQueryNode, queryId?: QueryId): UpdateQueryNode {
    if (this.#done.has(node)) return node;
    if (node.with) throw refused('common table expressions (WITH)');
    this.#rejectTenantUpdates(node.updates);
    const inner = super.transformUpdateQuery(node, queryId);
    const joins = this.#filterJoins(inner.joins);
    const conditions = [
      ...this.#conditionsFor(inner.table ? [inner.table] : []),
      ...this.#conditionsFor(inner.from?.froms),
      ...joins.where,
    ];
    if (conditions.length === 0) throw refused('an UPDATE without a table');
    return this.#mark({
      ...inner,
      ...(joins.joins && { joins: joins.joins }),
      where: this.#where(conditions, inner.where),
    } satisfies UpdateQueryNode);
  }

  protected override transformDeleteQuery(node: DeleteQueryNode, queryId?: QueryId): DeleteQueryNode {
    if (this.#done.has(node)) return node;
    if (node.with) throw refused('common table expressions (WITH)');
    const inner = super.transformDeleteQuery(node, queryId);
    const joins = this.#filterJoins(inner.joins);
    const conditions = [
      ...this.#conditionsFor(inner.from.froms),
      ...this.#conditionsFor(inner.using?.tables),
      ...joins.where,
    ];
    if (conditions.length === 0) throw refused('a DELETE without a table');
    return this.#mark({
      ...inner,
      ...(joins.joins && { joins: joins.joins }),
      where: this.#where(conditions, inner.where),
    } satisfies DeleteQueryNode);
  }

  protected override transformInsertQuery(node: InsertQueryNode, queryId?: QueryId): InsertQueryNode {
    if (this.#done.has(node)) return node;
    if (node.with) throw refused('common table expressions (WITH)');
    if (node.replace || node.orAction) throw refused('REPLACE / INSERT OR … (it could replace another tenant\'s row)');
    if (node.onDuplicateKey) throw refused('ON DUPLICATE KEY UPDATE');
    if (!node.into || !node.columns || !node.values || !ValuesNode.is(node.values)) {
      throw refused('an INSERT without a VALUES list (INSERT … SELECT, DEFAULT VALUES)');
    }
    const inner = super.transformInsertQuery(node, queryId);
    const columns = [...(inner.columns ?? [])];
    let index = columns.findIndex((column) => column.column.name === TENANT_COLUMN);
    if (index === -1) {
      index = columns.length;
      columns.push(ColumnNode.create(TENANT_COLUMN));
    }
    const rows = (inner.values as ValuesNode).values.map((row) => {
      if (PrimitiveValueListNode.is(row)) {
        const values = [...row.values];
        values[index] = this.#tenantId;
        return PrimitiveValueListNode.create(values);
      }
      const values: OperationNode[] = [...(row as ValueListNode).values];
      values[index] = ValueNode.create(this.#tenantId);
      return ValueListNode.create(values);
    });
    let onConflict = inner.onConflict;
    if (onConflict?.updates) {
      this.#rejectTenantUpdates(onConflict.updates);
      // DO UPDATE touches the conflicting row, which may belong to another tenant when the conflict
      // is on an index without tenant_id: only update it when it is ours.
      const condition = this.#condition(inner.into as TableNode);
      onConflict = {
        ...onConflict,
        updateWhere: WhereNode.create(and(condition, onConflict.updateWhere?.where)),
      } satisfies OnConflictNode;
    }
    return this.#mark({
      ...inner,
      columns,
      values: ValuesNode.create(rows),
      ...(onConflict && { onConflict }),
    } satisfies InsertQueryNode);
  }

  protected override transformMergeQuery(): never {
    throw refused('MERGE');
  }
}

/** A kysely plugin that confines every query to one tenant's rows (see the notes at the top). */
export class TenantFilterPlugin implements KyselyPlugin {
  readonly tenantId: string;
  readonly #transformer: TenantFilterTransformer;

  constructor(tenantId: string) {
    this.tenantId = tenantId;
    this.#transformer = new TenantFilterTransformer(tenantId);
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const { node } = args;
    if (!SelectQueryNode.is(node) && !InsertQueryNode.is(node) && !UpdateQueryNode.is(node) && !DeleteQueryNode.is(node)) {
      throw refused(`a ${node.kind.replace(/Node$/, '')} statement`);
    }
    return this.#transformer.transformNode(node, args.queryId);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
