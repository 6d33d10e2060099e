using System.Text.Json;

namespace PveSimulator.Admin;

/// <summary>The JSON a scenario file holds: the exact state to start with (format in README.md).</summary>
internal sealed record ScenarioFile
{
    /// <summary>Overrides the cluster name; the --standalone flag still wins.</summary>
    public string? ClusterName { get; init; }
    public IReadOnlyList<NodeSpec>? Nodes { get; init; }
    public IReadOnlyList<ContainerSpec>? Containers { get; init; }
    public IReadOnlyList<TokenSpec>? Tokens { get; init; }
    /// <summary>When given, replaces the default storages (local with a Debian 12 template, local-lvm).</summary>
    public IReadOnlyList<SimStorage>? Storages { get; init; }

    public static ScenarioFile Load(string path)
    {
        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize<ScenarioFile>(stream, AdminJson.Options)
            ?? throw new InvalidDataException($"{path} holds no scenario");
    }

    /// <summary>Puts storages, nodes, then containers, then tokens into the cluster.</summary>
    public void ApplyTo(SimulatedCluster cluster)
    {
        if (Storages is not null)
        {
            cluster.ClearStorages();
            foreach (var storage in Storages)
            {
                cluster.AddStorage(storage);
            }
        }

        foreach (var node in Nodes ?? [])
        {
            cluster.AddNode(node.Name, node.Ip ?? "127.0.0.1", node.Online);
        }

        var firstNode = cluster.NodeNames.FirstOrDefault()
            ?? throw new InvalidDataException("a scenario needs at least one node");
        foreach (var container in Containers ?? [])
        {
            cluster.AddContainer(container.ToContainer(firstNode));
        }

        foreach (var token in Tokens ?? [])
        {
            if (token.Privileges is null)
            {
                cluster.AddAdministratorToken(token.Id, token.Secret);
            }
            else
            {
                cluster.AddToken(token.Id, token.Secret, [.. token.Privileges]);
            }
        }
    }
}
