using System.Net;
using PveSimulator;

namespace PveOperator.Tests.Simulator;

public sealed class AuthenticationTests
{
    [Fact]
    public async Task Missing_header_is_401_No_ticket_with_an_empty_body()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        using var anonymous = host.CreateClient(authorization: null);

        var response = await host.GetAsync("/version", anonymous);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("No ticket", response.Reason);
        Assert.Equal("", response.RawBody);
    }

    [Theory]
    [InlineData("PVEAPIToken=root@pam!sim=wrong", "invalid token value!")]
    [InlineData("PVEAPIToken=root@pam!other=wrong", "no such token 'other' for user 'root@pam'")]
    [InlineData("PVEAPIToken=nobody@pve!tok=wrong", "no such user ('nobody@pve')")]
    public async Task Bad_token_before_PVE_9_1_5_names_the_cause(string header, string reason)
    {
        await using var host = await SimulatorTestHost.StartAsync(new SimulatorOptions { Version = PveVersionMode.Pve8 });
        using var client = host.CreateClient(header);

        var response = await host.GetAsync("/version", client);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal(reason, response.Reason);
        Assert.Equal("", response.RawBody);
    }

    [Fact]
    public async Task Bad_token_on_PVE_9_is_401_Authentication_failed()
    {
        await using var host = await SimulatorTestHost.StartAsync(new SimulatorOptions { Version = PveVersionMode.Pve9 });
        using var client = host.CreateClient("PVEAPIToken=root@pam!sim=wrong");

        var response = await host.GetAsync("/version", client);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("Authentication failed!", response.Reason);
    }

    [Fact]
    public async Task Token_header_may_use_a_space_and_is_split_at_the_last_equals_sign()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        host.Cluster.AddToken("ops@pve!k8s", "se=cret", "VM.Audit");
        using var spaced = host.CreateClient($"PVEAPIToken {PveSimulatorServer.DefaultTokenId}={host.Server.DefaultTokenSecret}");
        using var withEquals = host.CreateClient("PVEAPIToken=ops@pve!k8s=se=cret");

        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/version", spaced)).Status);
        // The last '=' separates the secret, so a secret containing '=' is not accepted whole.
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.GetAsync("/version", withEquals)).Status);
    }

    [Fact]
    public async Task Unauthorized_answers_are_delayed_when_configured()
    {
        var delay = TimeSpan.FromSeconds(4); // not PVE's 3 s, which the test host turns off unless asked otherwise
        await using var host = await SimulatorTestHost.StartAsync(new SimulatorOptions { UnauthorizedDelay = delay }, fakeTime: true);
        using var client = host.CreateClient("PVEAPIToken=root@pam!sim=wrong");

        var answer = host.GetAsync("/version", client);

        await Eventually.TrueAsync(() => host.Server.Counters.Get("GET /version") == 1, "the request arrived");
        await Eventually.ConsistentlyAsync(() => !answer.IsCompleted, "no answer before the delay", Eventually.BriefWhile);
        host.Time!.Advance(delay - TimeSpan.FromMilliseconds(1));
        await Eventually.ConsistentlyAsync(() => !answer.IsCompleted, "no answer before the delay", Eventually.BriefWhile);
        host.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await answer).Status);
    }

    [Fact]
    public async Task Removed_token_no_longer_authenticates()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        host.Cluster.AddToken("ops@pve!k8s", "secret", "VM.Audit");
        using var client = host.CreateClient("PVEAPIToken=ops@pve!k8s=secret");
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/version", client)).Status);

        host.Cluster.RemoveToken("ops@pve!k8s");

        Assert.Equal(HttpStatusCode.Unauthorized, (await host.GetAsync("/version", client)).Status);
    }
}
