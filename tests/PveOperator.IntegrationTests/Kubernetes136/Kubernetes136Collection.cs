namespace PveOperator.IntegrationTests.Kubernetes136;

/// <summary>The test classes of the 1.36 CRD tier share one apiextensions-apiserver.</summary>
[CollectionDefinition(Name)]
public sealed class Kubernetes136Collection : ICollectionFixture<Kubernetes136Fixture>
{
    public const string Name = "kubernetes 1.36 crds";
}
