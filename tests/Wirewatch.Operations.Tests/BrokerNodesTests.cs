using Microsoft.Extensions.Configuration;
using Wirewatch.Hosting;

namespace Wirewatch.Operations.Tests;

/// <summary><c>Wirewatch:RabbitMq:Hosts</c>: the nodes of a cluster, as the bus and <c>wirewatch errors</c> get them.</summary>
public sealed class BrokerNodesTests
{
    [Fact]
    public void Without_Hosts_the_one_broker_is_Host_and_Port()
    {
        var nodes = BrokerNodes.Of(new RabbitMqOptions { Host = "broker", Port = 5671 });

        nodes.ShouldBe([new BrokerNode("broker", 5671)]);
    }

    [Fact]
    public void Hosts_lists_every_node_in_order_with_Port_where_a_node_gives_none()
    {
        var nodes = BrokerNodes.Of(new RabbitMqOptions { Host = "ignored", Port = 5671, Hosts = "rabbit-0:5672, rabbit-1 ,[fd00::2]:5673,[fd00::3],rabbit-0:5672" });

        nodes.ShouldBe([new BrokerNode("rabbit-0", 5672), new BrokerNode("rabbit-1", 5671), new BrokerNode("fd00::2", 5673), new BrokerNode("fd00::3", 5671)]);
        nodes[2].ToString().ShouldBe("[fd00::2]:5673", "the form MassTransit's cluster configuration parses");
    }

    [Theory]
    [InlineData("rabbit-0:5672,,rabbit-1", "''")]
    [InlineData("rabbit-0:http", "'rabbit-0:http'")]
    [InlineData("rabbit-0:70000", "'rabbit-0:70000'")]
    [InlineData("fd00::2:5672", "'fd00::2:5672'")]
    [InlineData("[fd00::2]x", "'[fd00::2]x'")]
    public void A_node_that_cannot_be_used_stops_the_start_naming_the_key_and_the_entry(string hosts, string entry)
    {
        var error = Should.Throw<WirewatchConfigurationException>(() => Read(("RabbitMq:Hosts", hosts)));

        error.Message.ShouldContain($"Wirewatch:RabbitMq:Hosts: {entry} is not host[:port]");
    }

    [Fact]
    public void Guest_is_refused_when_any_node_is_elsewhere()
    {
        var error = Should.Throw<WirewatchConfigurationException>(() => Read(("RabbitMq:Hosts", "127.0.0.1:5672,rabbit-1:5672")));

        error.Message.ShouldContain("Wirewatch:RabbitMq:Hosts names 'rabbit-1'");
    }

    [Fact]
    public void Guest_is_fine_for_a_cluster_on_this_machine()
    {
        var settings = Read(("RabbitMq:Hosts", "127.0.0.1:20001,localhost:20002,[::1]:20003"));

        BrokerNodes.Of(settings.Options.RabbitMq).Count.ShouldBe(3);
    }

    private static WirewatchSettings Read(params (string Key, string Value)[] values) =>
        WirewatchSettings.Read(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Prepend((Key: "Transport", Value: "RabbitMq")).Select(v => new KeyValuePair<string, string?>("Wirewatch:" + v.Key, v.Value)))
            .Build());
}
