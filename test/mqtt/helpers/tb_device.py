"""A ThingsBoard-style device on paho-mqtt (the Debian package), driven by the
Outpost tests: telemetry, client attributes, attribute request/response,
client-side RPC, server-side RPC answers and shared-attribute updates.
Prints one JSON line per event on stdout."""
import json
import sys
import time

import paho.mqtt.client as mqtt

host, port, ca, token = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
events_needed = {"rpc", "shared"}


def emit(event, **fields):
    print(json.dumps({"event": event, **fields}), flush=True)


def on_message(client, _userdata, msg):
    topic = msg.topic
    payload = msg.payload.decode("utf-8")
    if topic.startswith("v1/devices/me/rpc/request/"):
        request_id = topic.rsplit("/", 1)[1]
        body = json.loads(payload)
        emit("rpc", id=request_id, request=body)
        client.publish("v1/devices/me/rpc/response/" + request_id, json.dumps({"ok": True, "echo": body.get("params")}), qos=1)
        events_needed.discard("rpc")
    elif topic.startswith("v1/devices/me/attributes/response/"):
        emit("attributes", id=topic.rsplit("/", 1)[1], body=json.loads(payload))
    elif topic.startswith("v1/devices/me/rpc/response/"):
        emit("rpc-response", id=topic.rsplit("/", 1)[1], body=json.loads(payload))
    elif topic == "v1/devices/me/attributes":
        emit("shared", body=json.loads(payload))
        client.publish("v1/devices/me/attributes/request/2", json.dumps({"sharedKeys": "target_temp"}), qos=1)
        events_needed.discard("shared")


client = mqtt.Client(client_id="tb-firmware-1", protocol=mqtt.MQTTv311)
client.tls_set(ca_certs=ca)
client.username_pw_set(token)
client.on_message = on_message
client.connect(host, port, keepalive=30)
client.loop_start()
for topic in ["v1/devices/me/rpc/request/+", "v1/devices/me/attributes/response/+", "v1/devices/me/rpc/response/+", "v1/devices/me/attributes"]:
    result, mid = client.subscribe(topic, qos=1)
time.sleep(0.3)
client.publish("v1/devices/me/telemetry", json.dumps({"temperature": 25.5, "status": "heating"}), qos=1).wait_for_publish()
client.publish("v1/devices/me/attributes", json.dumps({"fw_version": "1.0.3", "model": "tb-x"}), qos=1).wait_for_publish()
client.publish("v1/devices/me/attributes/request/1", json.dumps({"clientKeys": "fw_version,model,status", "sharedKeys": "target_temp"}), qos=1).wait_for_publish()
client.publish("v1/devices/me/rpc/request/7", json.dumps({"method": "getCurrentTime", "params": {}}), qos=1).wait_for_publish()
client.publish("v1/devices/me/rpc/request/8", json.dumps({"method": "selfDestruct", "params": {}}), qos=1).wait_for_publish()
emit("ready")
deadline = time.time() + 60
while events_needed and time.time() < deadline:
    time.sleep(0.05)
time.sleep(0.5)
client.loop_stop()
client.disconnect()
emit("done", missing=sorted(events_needed))
