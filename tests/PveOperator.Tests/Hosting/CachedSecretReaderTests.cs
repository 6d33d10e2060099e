using System.Text;
using k8s.Models;
using PveOperator.Controllers;
using PveOperator.Hosting;
using PveOperator.Runtime;

namespace PveOperator.Tests.Hosting;

public sealed class CachedSecretReaderTests
{
    private sealed class CountingReader : ISecretReader
    {
        public int Reads { get; private set; }

        public Task<IReadOnlyDictionary<string, byte[]>?> ReadAsync(string @namespace, string name, CancellationToken cancellationToken)
        {
            Reads++;
            return Task.FromResult<IReadOnlyDictionary<string, byte[]>?>(null);
        }
    }

    [Fact]
    public async Task A_cached_credentials_secret_is_read_without_asking_the_api_server()
    {
        var cache = new EntityCache<V1Secret>();
        cache.Upsert(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "pve-token", NamespaceProperty = "pve-system" },
            Data = new Dictionary<string, byte[]> { ["secret"] = Encoding.UTF8.GetBytes("s3cr3t") },
        });
        var api = new CountingReader();

        var data = await new CachedSecretReader(cache, api).ReadAsync("pve-system", "pve-token", CancellationToken.None);

        Assert.Equal("s3cr3t", Encoding.UTF8.GetString(data!["secret"]));
        Assert.Equal(0, api.Reads);
    }

    [Fact]
    public async Task A_secret_missing_from_the_cache_is_read_from_the_api_server_which_says_why()
    {
        var api = new CountingReader();

        var data = await new CachedSecretReader(new EntityCache<V1Secret>(), api).ReadAsync("pve-system", "unlabelled", CancellationToken.None);

        Assert.Null(data);
        Assert.Equal(1, api.Reads);
    }
}
