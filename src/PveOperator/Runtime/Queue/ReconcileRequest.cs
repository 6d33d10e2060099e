namespace PveOperator.Runtime;

/// <summary>A key to reconcile; <paramref name="Bulk"/> work waits behind every normally queued key.</summary>
internal readonly record struct ReconcileRequest(string Key, bool Bulk = false);
