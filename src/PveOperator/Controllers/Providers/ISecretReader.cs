namespace PveOperator.Controllers;

/// <summary>
/// Reads a Secret's data; null when the Secret does not exist, <see cref="UnauthorizedAccessException"/> when the
/// operator may not read it.
/// </summary>
internal interface ISecretReader
{
    Task<IReadOnlyDictionary<string, byte[]>?> ReadAsync(string @namespace, string name, CancellationToken cancellationToken);
}
