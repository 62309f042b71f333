"""The questions the load runs ask (`make bench`, bot/bench/profile_turns.py): short,
the way citizens type them, over every kind of answer (leave, money, services, places
outside the coverage, greetings). Plain Python: locust imports it from the locustfile's
folder, the project's tools as bot.bench.load.questions."""

QUESTIONS = [
    "包头生三孩产假多少天", "护理假几天", "育儿补贴怎么申请", "昆区哪有普惠托育", "呼和浩特育儿假",
    "个税能扣多少", "出生一件事怎么办", "通化产假多少天", "中宁公积金有啥政策", "你好", "谢谢",
    "育儿补贴一年多少钱", "北京产假多少天", "包头和通化产假哪个长",
]
