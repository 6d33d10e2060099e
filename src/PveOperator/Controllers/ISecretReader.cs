namespace PveOperator.Controllers;

/// <summary>Reads one key of a Secret; null when the Secret does not exist.</summary>
public interface ISecretReader
{
    Task<IReadOnlyDictionary<string, byte[]>?> ReadAsync(string @namespace, string name, CancellationToken cancellationToken);
}
