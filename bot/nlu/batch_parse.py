"""Parse the messages that arrive together in one pass of the NLU pipeline.

Rasa's message processor runs the whole NLU pipeline for one message at a time. Under
load most of that cost is fixed per call, not per message: one TensorFlow call for
DIET (see `LeanDIETClassifier.process`, which predicts a list of messages at once) and
the graph runner's bookkeeping. Here `MessageProcessor.parse_message` queues its
message; one drain task takes every message queued by the time it runs (other
conversations' requests that were ready at the same moment), parses them with one
`graph_runner.run`, and hands each caller its own parse. With one message waiting the
path is the same as Rasa's.

A message's parse does not depend on the others in its batch (the NLU graph gets only
the messages, never the tracker); `tests/test_batch_parse.py` checks that batched and
single parses agree. If a batch fails, each of its messages is parsed alone, so a bad
message fails only its own turn.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Optional, Text, Tuple

logger = logging.getLogger(__name__)

#: Most messages parsed in one pass (bounds the latency a batch adds to its first message).
MAX_BATCH = 16


class ParseBatcher:
    """Queues messages of one MessageProcessor and parses them in batches."""

    def __init__(self, processor: Any, *, max_batch: int = MAX_BATCH) -> None:
        self.processor = processor
        self.max_batch = max_batch
        self.pending: List[Tuple[Any, asyncio.Future]] = []
        self.draining = False
        self.batch_sizes: Dict[int, int] = {}   # size -> how many batches (tests, diagnosis)

    async def parse(self, message: Any) -> Dict[Text, Any]:
        future = asyncio.get_running_loop().create_future()
        self.pending.append((message, future))
        if not self.draining:
            self.draining = True
            asyncio.get_running_loop().create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self.pending:
                # Let the request handlers that are ready now queue their messages too.
                await asyncio.sleep(0)
                batch, self.pending = self.pending[:self.max_batch], self.pending[self.max_batch:]
                self.batch_sizes[len(batch)] = self.batch_sizes.get(len(batch), 0) + 1
                self._answer(batch, self._parse_all([message for message, _ in batch]))
        finally:
            self.draining = False

    def _parse_all(self, messages: List[Any]) -> List[Any]:
        """Each message's parse data, or the exception its parse raised."""
        try:
            return self.parse_together(messages)
        except Exception as error:
            if len(messages) == 1:
                return [error]
            logger.warning("NLU batch of %d failed; parsing its messages one by one", len(messages))
        results: List[Any] = []
        for message in messages:
            try:
                results.extend(self.parse_together([message]))
            except Exception as error:
                results.append(error)
        return results

    def parse_together(self, messages: List[Any]) -> List[Dict[Text, Any]]:
        """What `MessageProcessor._parse_message_with_graph` gives for each message (with
        its default `only_output_properties=True`)."""
        from rasa.engine.constants import PLACEHOLDER_MESSAGE
        from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT

        target = self.processor.model_metadata.nlu_target
        parsed = self.processor.graph_runner.run(inputs={PLACEHOLDER_MESSAGE: messages}, targets=[target])[target]
        if len(parsed) != len(messages):
            raise RuntimeError(f"NLU returned {len(parsed)} parses for {len(messages)} messages")
        results = []
        for message in parsed:
            parse_data: Dict[Text, Any] = {TEXT: "", INTENT: {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0},
                                           ENTITIES: []}
            parse_data.update(message.as_dict(only_output_properties=True))
            results.append(parse_data)
        return results

    @staticmethod
    def _answer(batch: List[Tuple[Any, asyncio.Future]], results: List[Any]) -> None:
        for (_, future), result in zip(batch, results):
            if future.done():        # the caller went away (request cancelled)
                continue
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result)


def batcher_of(processor: Any) -> ParseBatcher:
    batcher: Optional[ParseBatcher] = processor.__dict__.get("_parse_batcher")
    if batcher is None:
        batcher = processor.__dict__["_parse_batcher"] = ParseBatcher(processor)
    return batcher


def install() -> None:
    """Route `MessageProcessor.parse_message` through the batcher."""
    from rasa.core import processor as rasa_processor

    upstream = rasa_processor.MessageProcessor.parse_message

    async def parse_message(self, message, tracker=None, only_output_properties: bool = True):
        if self.http_interpreter or not only_output_properties:   # e.g. `rasa test`: Rasa's path
            return await upstream(self, message, tracker, only_output_properties)
        parse_data = await batcher_of(self).parse(message)
        # The rest as MessageProcessor.parse_message does it (`copy` of its module:
        # bot.speedups makes those copies only when debug logging is on).
        copy = rasa_processor.copy
        self._update_full_retrieval_intent(parse_data)
        rasa_processor.structlogger.debug(
            "processor.message.parse", parse_data_text=copy.deepcopy(parse_data["text"]),
            parse_data_intent=parse_data["intent"], parse_data_entities=copy.deepcopy(parse_data["entities"]))
        self._check_for_unseen_features(parse_data)
        return parse_data

    rasa_processor.MessageProcessor.parse_message = parse_message
