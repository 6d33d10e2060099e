using PveOperator.Proxmox;

namespace PveOperator.Tests.Controllers.Fakes;

/// <summary>Builds <see cref="FakePveClient"/>s, each set up by <see cref="Setup"/>; remembers the settings of each.</summary>
internal sealed class FakePveClientFactory(Journal? journal = null) : IPveClientFactory
{
    public Action<FakePveClient> Setup { get; set; } = _ => { };

    public List<(PveClientSettings Settings, FakePveClient Client)> Created { get; } = [];

    public FakePveClient Last => Created[^1].Client;

    public IPveClient Create(PveClientSettings settings)
    {
        var client = new FakePveClient(journal);
        Setup(client);
        Created.Add((settings, client));
        return client;
    }
}
