using System.Text;
using PveOperator.Controllers;

namespace PveOperator.Tests.Controllers.Fakes;

internal sealed class FakeSecretReader : ISecretReader
{
    private readonly Dictionary<string, Dictionary<string, byte[]>> secrets = new(StringComparer.Ordinal);

    public int Reads { get; private set; }

    public void Put(string @namespace, string name, string key, string value) =>
        Put(@namespace, name, new Dictionary<string, byte[]> { [key] = Encoding.UTF8.GetBytes(value) });

    public void Put(string @namespace, string name, Dictionary<string, byte[]> data) => secrets[$"{@namespace}/{name}"] = data;

    public void Delete(string @namespace, string name) => secrets.Remove($"{@namespace}/{name}");

    public Task<IReadOnlyDictionary<string, byte[]>?> ReadAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        Reads++;
        return Task.FromResult<IReadOnlyDictionary<string, byte[]>?>(
            secrets.TryGetValue($"{@namespace}/{name}", out var data) ? new Dictionary<string, byte[]>(data) : null);
    }
}
