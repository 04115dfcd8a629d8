"""An integration client on paho-mqtt (the Debian package, 1.6), driven by the
Outpost integration tests. Arguments: host port ca token client_id clean(0|1)
steps-json. Steps run in order:
  {"sub": [[filter, qos], ...]}          prints {"event": "suback", "granted": [...]}
  {"pub": topic, "payload": s, "qos": n, "retain": bool}   waits for the handshake;
      "size": n sends n times "x" instead of a payload, "count": n publishes on topic/0 .. topic/n-1;
      prints {"event": "published", "acked": bool} (PUBACK/PUBCOMP received) for each
  {"wait": seconds}                       collects messages meanwhile
  {"until_disconnect": seconds}           prints {"event": "disconnected", "at": epoch seconds}
Prints {"event": "connected", "session_present": bool} first and one
{"event": "message", ...} per message received, as JSON lines."""
import json
import sys
import threading
import time

import paho.mqtt.client as mqtt

host, port, ca, token, client_id, clean, steps = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6] == "1", json.loads(sys.argv[7])
state = {"suback": None, "connected": None, "disconnected": None}


out = threading.Lock()


def emit(event, **fields):
    # One write per line under a lock: paho's network thread and this one both emit, and print() writes the
    # line and its newline separately, so long lines could interleave.
    with out:
        sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
        sys.stdout.flush()


def on_connect(_client, _userdata, flags, rc):
    state["connected"] = rc
    emit("connected", rc=rc, session_present=bool(flags.get("session present")))


def on_disconnect(_client, _userdata, rc):
    state["disconnected"] = time.time()


def on_subscribe(_client, _userdata, _mid, granted):
    state["suback"] = list(granted)


def on_message(_client, _userdata, msg):
    emit("message", topic=msg.topic, payload=msg.payload.decode("utf-8", "replace"), qos=msg.qos, retain=bool(msg.retain))


client = mqtt.Client(client_id=client_id, clean_session=clean, protocol=mqtt.MQTTv311)
client.tls_set(ca_certs=ca)
client.username_pw_set(token)
client.on_connect = on_connect
client.on_disconnect = on_disconnect
client.on_subscribe = on_subscribe
client.on_message = on_message
client.connect(host, port, keepalive=30)
client.loop_start()


def wait_for(check, seconds):
    until = time.time() + seconds
    while time.time() < until:
        if check():
            return True
        time.sleep(0.02)
    return False


if not wait_for(lambda: state["connected"] is not None, 15) or state["connected"] != 0:
    emit("refused", rc=state["connected"])
    sys.exit(2)

for step in steps:
    if "sub" in step:
        state["suback"] = None
        client.subscribe([(f, q) for f, q in step["sub"]])
        wait_for(lambda: state["suback"] is not None, 10)
        emit("suback", granted=state["suback"])
    elif "pub" in step:
        payload = "x" * step["size"] if "size" in step else step.get("payload", "")
        topics = [f"{step['pub']}/{i}" for i in range(step["count"])] if "count" in step else [step["pub"]]
        for topic in topics:
            info = client.publish(topic, payload, qos=step.get("qos", 0), retain=step.get("retain", False))
            info.wait_for_publish(10)
            emit("published", topic=topic, qos=step.get("qos", 0), acked=info.is_published())
    elif "wait" in step:
        time.sleep(step["wait"])
    elif "until_disconnect" in step:
        wait_for(lambda: state["disconnected"] is not None, step["until_disconnect"])
        emit("disconnected", at=state["disconnected"])
        sys.exit(0)

client.disconnect()
client.loop_stop()
